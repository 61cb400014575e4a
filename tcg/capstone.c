/*
 * Lazy binding of capstone for the -d disassemblers; see tcg/capstone.h
 * for why it is not linked normally in dynamic builds.
 */
#include "tcg/capstone.h"

#include <pthread.h>
#include <stddef.h>

#ifdef VEMU_CAPSTONE_DLOPEN
#include <dlfcn.h>
#include <glib.h>
#endif

static VemuCapstone cs_table;
static const VemuCapstone *cs_loaded;
static pthread_once_t cs_once = PTHREAD_ONCE_INIT;

#ifdef VEMU_CAPSTONE_DLOPEN
static void cs_load(void)
{
    /* The soname's number is the API major of the headers we were built
     * against (cs_insn's layout depends on it); the bare name is the
     * fallback of a development install. */
    static const char *const names[] = {
        "libcapstone.so." G_STRINGIFY(CS_API_MAJOR),
        "libcapstone.so",
    };
    void *h = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(names) && !h; i++) {
        h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!h) {
        return;
    }
    cs_table.open = (cs_err(*)(cs_arch, cs_mode, csh *))dlsym(h, "cs_open");
    cs_table.insn_alloc = (cs_insn * (*)(csh)) dlsym(h, "cs_malloc");
    cs_table.disasm_iter =
        (bool (*)(csh, const uint8_t **, size_t *, uint64_t *, cs_insn *))
            dlsym(h, "cs_disasm_iter");
    cs_table.insn_free = (void (*)(cs_insn *, size_t))dlsym(h, "cs_free");
    cs_table.close = (cs_err(*)(csh *))dlsym(h, "cs_close");
    if (cs_table.open && cs_table.insn_alloc && cs_table.disasm_iter &&
        cs_table.insn_free && cs_table.close) {
        cs_loaded = &cs_table;
    }
    /* The handle stays open for the life of the process. */
}
#else
static void cs_load(void)
{
    cs_table.open = cs_open;
    cs_table.insn_alloc = cs_malloc;
    cs_table.disasm_iter = cs_disasm_iter;
    cs_table.insn_free = cs_free;
    cs_table.close = cs_close;
    cs_loaded = &cs_table;
}
#endif

const VemuCapstone *vemu_capstone(void)
{
    pthread_once(&cs_once, cs_load);
    return cs_loaded;
}
