/*
 * execve, #! scripts, posix_spawn, vfork and the wait family, checked by
 * running the same program natively and under vemu (test-glibc.py): the
 * program re-executes itself (through /proc/self/exe, as a script
 * interpreter, with posix_spawn) in child modes selected by argv[1], and
 * prints what each child saw and how it ended. Every line depends only on
 * the kernel's semantics, so the native run is the reference.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char self[4096];
static char tmpdir[64];

static void show_status(const char *what, int st)
{
    if (WIFEXITED(st)) {
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    } else if (WIFSIGNALED(st)) {
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    } else if (WIFSTOPPED(st)) {
        printf("%s: stopped by signal %d\n", what, WSTOPSIG(st));
    } else if (WIFCONTINUED(st)) {
        printf("%s: continued\n", what);
    } else {
        printf("%s: status %#x\n", what, st);
    }
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void on_signal(int sig)
{
}

/* ---- child modes ---- */

static int child_args(int argc, char **argv)
{
    printf("  child argc=%d argv0=%s\n", argc, argv[0]);
    for (int i = 2; i < argc; i++) {
        printf("  arg[%d]=<%s>\n", i, argv[i]);
    }
    int n = 0;
    for (char **e = environ; *e; e++) {
        if (!strncmp(*e, "EXEC_TMP=", 9) && !strcmp(*e + 9, tmpdir)) {
            printf("  env <EXEC_TMP=TMP>\n");
        } else if (!strncmp(*e, "EXEC_", 5)) {
            printf("  env <%s>\n", *e);
        }
        n++;
    }
    printf("  env count %d\n", n);
    char exe[4096];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[l > 0 ? l : 0] = '\0';
    printf("  /proc/self/exe is this program: %s\n",
           !strcmp(exe, self) ? "yes" : "no");
    fflush(stdout);
    return argc > 2 ? atoi(argv[2]) : 0;
}

/* Run as a #! interpreter: argv = interp [arg] script args... */
static int child_script(int argc, char **argv)
{
    printf("  interpreter argc=%d\n", argc);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* The script's path includes the temporary directory. */
        if (!strncmp(a, tmpdir, strlen(tmpdir))) {
            printf("  arg[%d]=<TMP/%s>\n", i, base(a));
        } else {
            printf("  arg[%d]=<%s>\n", i, a);
        }
    }
    fflush(stdout);
    return 4;
}

static int child_signals(void)
{
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf("  SIGUSR1 ignored: %s\n", sa.sa_handler == SIG_IGN ? "yes" : "no");
    sigaction(SIGTERM, NULL, &sa);
    printf("  SIGTERM default: %s\n", sa.sa_handler == SIG_DFL ? "yes" : "no");
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    printf("  SIGUSR2 blocked: %s, SIGINT blocked: %s\n",
           sigismember(&m, SIGUSR2) ? "yes" : "no",
           sigismember(&m, SIGINT) ? "yes" : "no");
    /* Both would end the process by default: an ignored signal is
     * dropped, a blocked one waits. */
    raise(SIGUSR1);
    raise(SIGUSR2);
    printf("  alive after raising both\n");
    fflush(stdout);
    return 0;
}

static int child_fds(char **argv)
{
    int keep = atoi(argv[2]), cloexec = atoi(argv[3]);
    printf("  inherited fd open: %s\n",
           fcntl(keep, F_GETFD) >= 0 ? "yes" : "no");
    printf("  close-on-exec fd open: %s\n",
           fcntl(cloexec, F_GETFD) >= 0 ? "yes" : "no");
    fflush(stdout);
    return 0;
}

/* ---- the checks ---- */

static int run_wait(const char *what, pid_t pid)
{
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) {
        printf("%s: waitpid: %s\n", what, strerror(errno));
        return -1;
    }
    show_status(what, st);
    return st;
}

static void fork_exec(const char *what, char *const *args, char *const *env)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve("/proc/self/exe", args, env);
        printf("  execve: %s\n", strerror(errno));
        fflush(stdout);
        _exit(99);
    }
    run_wait(what, pid);
}

static void exec_error(const char *what, const char *path)
{
    char *args[] = {(char *)path, NULL};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve(path, args, environ);
        printf("%s: execve: %s\n", what, strerror(errno));
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        show_status(what, st);
    }
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        printf("cannot write %s\n", name);
    }
    close(fd);
    chmod(path, mode);
}

static void script(const char *what, const char *name, const char *text)
{
    write_file(name, text, 0755);
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    char *args[] = {path, "p1", "p 2", NULL};
    printf("%s:\n", what);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve(path, args, environ);
        printf("  execve: %s\n", strerror(errno));
        fflush(stdout);
        _exit(99);
    }
    run_wait("  script", pid);
}

static void spawn(const char *what, const char *path, char *const *args)
{
    pid_t pid;
    fflush(stdout);
    int r = posix_spawn(&pid, path, NULL, NULL, args, environ);
    if (r != 0) {
        printf("%s: posix_spawn: %s\n", what, strerror(r));
        return;
    }
    run_wait(what, pid);
}

static void check_vfork(void)
{
    volatile int shared = 0;
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0) {
        /* The parent must not run before this child exits. */
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        shared = 42;
        _exit(5);
    }
    printf("vfork: parent sees %d\n", shared);
    run_wait("vfork+_exit", pid);

    /* vfork then exec, the exec failing: the error comes back through
     * memory, as posix_spawn does it. */
    volatile int err = 0;
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        char *args[] = {"nope", NULL};
        execve("/nonexistent/program", args, environ);
        err = errno;
        _exit(127);
    }
    printf("vfork+failed exec: child's errno %s\n", strerror(err));
    run_wait("vfork+failed exec", pid);

    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        char *args[] = {"vforked", "args", "6", NULL};
        execve("/proc/self/exe", args, environ);
        _exit(127);
    }
    run_wait("vfork+exec", pid);
}

static void check_wait(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(1);
    }
    run_wait("raise(SIGTERM)", pid);

    pid = fork();
    if (pid == 0) {
        pause();
        _exit(1);
    }
    int st = 0;
    printf("WNOHANG on a running child: %d\n", (int)waitpid(pid, &st, WNOHANG));
    kill(pid, SIGSTOP);
    if (waitpid(pid, &st, WUNTRACED) == pid) {
        show_status("WUNTRACED", st);
    }
    kill(pid, SIGCONT);
    if (waitpid(pid, &st, WCONTINUED) == pid) {
        show_status("WCONTINUED", st);
    }
    kill(pid, SIGKILL);
    run_wait("SIGKILL", pid);

    pid = fork();
    if (pid == 0) {
        _exit(3);
    }
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
    printf("waitid WNOWAIT: r=%d signo=%d code=%d status=%d pid ok=%d\n", r,
           si.si_signo, si.si_code, si.si_status, si.si_pid == pid);
    memset(&si, 0x55, sizeof(si));
    r = waitid(P_ALL, 0, &si, WEXITED);
    printf("waitid: r=%d signo=%d code=%d status=%d pid ok=%d uid ok=%d\n", r,
           si.si_signo, si.si_code, si.si_status, si.si_pid == pid,
           si.si_uid == getuid());
    pid = fork();
    if (pid == 0) {
        pause();
        _exit(1);
    }
    memset(&si, 0x55, sizeof(si));
    r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG);
    printf("waitid WNOHANG: r=%d signo=%d pid=%d\n", r, si.si_signo,
           (int)si.si_pid);
    kill(pid, SIGKILL);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, (id_t)pid, &si, WEXITED);
    printf("waitid killed: r=%d code=%d status=%d\n", r, si.si_code,
           si.si_status);
    errno = 0;
    r = (int)waitpid(-1, &st, 0);
    printf("waitpid with no child: %d %s\n", r, strerror(errno));
}

int main(int argc, char **argv)
{
    ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[l > 0 ? l : 0] = '\0';
    const char *t = getenv("EXEC_TMP");
    snprintf(tmpdir, sizeof(tmpdir), "%s", t ? t : "");
    if (argc > 1 && !strcmp(argv[1], "args")) {
        return child_args(argc, argv);
    }
    if (argc > 2 && !strcmp(argv[1], "run")) {
        /* Run another program (test-cross.py: a guest of the other
         * architecture, or a host program) in "args" mode. */
        char *args[] = {"other", "args", "9", "from run", NULL};
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            execv(argv[2], args);
            printf("run: execv: %s\n", strerror(errno));
            fflush(stdout);
            _exit(99);
        }
        return run_wait("run", pid) < 0;
    }
    if (argc > 1 && !strcmp(argv[1], "signals")) {
        return child_signals();
    }
    if (argc > 3 && !strcmp(argv[1], "fds")) {
        return child_fds(argv);
    }
    /* The checks run for "x" (test-glibc.py's first argument); any other
     * invocation is as a script's interpreter, never the checks again. */
    if (argc < 2 || strcmp(argv[1], "x") != 0 || getenv("EXEC_TMP")) {
        return child_script(argc, argv);
    }

    strcpy(tmpdir, "/tmp/vemu-exec-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("EXEC_TMP", tmpdir, 1);

    /* fork + execve of /proc/self/exe with an exact environment. */
    printf("exec with argv and envp:\n");
    char *a1[] = {"custom-argv0", "args", "3", "a b", "", "c", NULL};
    char *e1[] = {"EXEC_ONE=1", "EXEC_TWO=two words", "EXEC_TMP=x", NULL};
    fork_exec("  exec", a1, e1);
    printf("exec with an empty environment:\n");
    char *e2[] = {NULL};
    fork_exec("  exec", a1, e2);

    /* #! scripts: the interpreter is this program. */
    char text[4200];
    snprintf(text, sizeof(text), "#!%s script-mode\necho not run\n", self);
    script("script with an argument", "s1", text);
    snprintf(text, sizeof(text), "#! \t%s\t script-mode  two words \t\n", self);
    script("script with spaces", "s2", text);
    snprintf(text, sizeof(text), "#!%s", self);
    script("script without a newline", "s3", text);
    snprintf(text, sizeof(text), "#!%s\n", self);
    script("script without an argument", "s4", text);
    snprintf(text, sizeof(text), "#!%s/s1 nested\n", tmpdir);
    script("script of a script", "s5", text);
    char lng[400] = "#!/";
    memset(lng + 3, 'a', 300);
    lng[303] = '\n';
    lng[304] = '\0';
    script("interpreter name over 256 bytes", "s6", lng);
    script("no interpreter", "s7", "#!\n");
    script("missing interpreter", "s8", "#!/nonexistent/interp\n");
    snprintf(text, sizeof(text), "#!%s/s9\n", tmpdir);
    script("script interpreting itself", "s9", text);

    /* Errors. */
    exec_error("missing file", "/nonexistent/program");
    exec_error("directory", "/tmp");
    write_file("text", "just text\n", 0755);
    char p[256];
    snprintf(p, sizeof(p), "%s/text", tmpdir);
    exec_error("text without #!", p);
    write_file("noexec", "#!/bin/sh\n", 0644);
    snprintf(p, sizeof(p), "%s/noexec", tmpdir);
    if (getuid() != 0 || access(p, X_OK) != 0) {
        exec_error("no execute permission", p);
    } else {
        printf("no execute permission: execve: Permission denied\n");
    }
    snprintf(p, sizeof(p), "%s/short", tmpdir);
    write_file("short", "\177EL", 0755);
    exec_error("truncated header", p);

    /* Signal dispositions and the mask across execve. */
    printf("signals across exec:\n");
    signal(SIGUSR1, SIG_IGN);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    char *a3[] = {"sig", "signals", NULL};
    fork_exec("  exec", a3, environ);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigprocmask(SIG_UNBLOCK, &m, NULL);

    /* Close-on-exec. */
    printf("descriptors across exec:\n");
    int keep = open("/dev/null", O_RDONLY);
    int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
    char ks[16], cs[16];
    snprintf(ks, sizeof(ks), "%d", keep);
    snprintf(cs, sizeof(cs), "%d", cloexec);
    char *a4[] = {"fds", "fds", ks, cs, NULL};
    fork_exec("  exec", a4, environ);
    close(keep);
    close(cloexec);

    /* fexecve: execveat(fd, "", AT_EMPTY_PATH). */
    printf("fexecve:\n");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        char *a5[] = {"fexec", "args", "8", NULL};
        fexecve(fd, a5, environ);
        printf("  fexecve: %s\n", strerror(errno));
        fflush(stdout);
        _exit(99);
    }
    run_wait("  fexecve", pid);

    /* posix_spawn: glibc's child reports exec errors through memory it
     * shares with the parent (CLONE_VM|CLONE_VFORK). */
    char *a6[] = {"spawned", "args", "7", NULL};
    printf("posix_spawn:\n");
    spawn("  posix_spawn", self, a6);
    spawn("posix_spawn of a missing file", "/nonexistent/program", a6);
    snprintf(p, sizeof(p), "%s/text", tmpdir);
    spawn("posix_spawn of text without #!", p, a6);
    spawn("posix_spawn of a directory", "/tmp", a6);

    check_vfork();
    check_wait();

    for (const char *f = "s1\0s2\0s3\0s4\0s5\0s6\0s7\0s8\0s9\0text\0noexec\0"
                         "short\0";
         *f; f += strlen(f) + 1) {
        snprintf(p, sizeof(p), "%s/%s", tmpdir, f);
        unlink(p);
    }
    rmdir(tmpdir);
    return 0;
}
