/*
 * A glibc program built three ways (riscv64 static, riscv64 dynamic, and
 * natively for the host): test-user.py requires identical output from all
 * of them. It exercises what ordinary programs lean on: stdio and printf's
 * floating-point formatting, strtod, libm, qsort, malloc, setjmp, files,
 * the environment, and a SIGSEGV handler leaving with siglongjmp.
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf env;

static void on_segv(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    printf("caught signal %d at %p\n", sig, info->si_addr);
    siglongjmp(env, 1);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    printf("argc=%d last=%s\n", argc, argv[argc - 1]);

    double acc = 0;
    for (int i = 1; i <= 2000; i++) {
        acc += sin(i) * exp(-i / 500.0) + log1p(i) / sqrt(i) + pow(i, 0.3);
    }
    printf("libm %.17g %.17g %.17g\n", acc, cbrt(2.0), atan2(1, -3));
    float f = 1.0f;
    for (int i = 0; i < 100; i++) {
        f = fmaf(f, 1.0001f, 1e-7f);
    }
    printf("float %.9g %a\n", f, (double)f);
    printf("strtod %.17g %.17g\n", strtod("2.718281828459045235", NULL),
           strtod("1e-310", NULL));

    double v[64];
    uint64_t s = 88172645463325252ull;
    for (int i = 0; i < 64; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v[i] = (double)(s % 100000) / 7.0;
    }
    qsort(v, 64, sizeof(v[0]), cmp);
    printf("qsort %.6f %.6f %.6f\n", v[0], v[31], v[63]);

    size_t n = 3 << 20;
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++) {
        p[i] = (unsigned char)(i * 31);
    }
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i += 4097) {
        sum += p[i];
    }
    free(p);
    printf("malloc %lu\n", sum);

    char path[] = "/tmp/vemu-glibc-XXXXXX";
    int fd = mkstemp(path);
    FILE *fp = fdopen(fd, "w+");
    for (int i = 0; i < 100; i++) {
        fprintf(fp, "line %d %g\n", i, i / 3.0);
    }
    rewind(fp);
    char line[64];
    int lines = 0;
    while (fgets(line, sizeof(line), fp)) {
        lines++;
    }
    fclose(fp);
    unlink(path);
    printf("file lines=%d last=%s", lines, line);

    printf("env VEMU_T=%s\n", getenv("VEMU_T") ? getenv("VEMU_T") : "(unset)");

    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(env, 1) == 0) {
        int *volatile bad = (int *)(uintptr_t)0x18;
        *bad = 1;
        printf("not reached\n");
    }
    printf("after handler\n");

    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        printf("in the child\n");
        fflush(stdout);
        _exit(9);
    }
    int status = 0;
    pid_t waited = waitpid(child, &status, 0);
    printf("child exited %d with %d\n", waited == child,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 7;
}
