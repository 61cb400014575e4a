/* aarch64 ldst instructions (a64-ldst.decode): tests come with the group. */
#include <stdlib.h>
int main(void)
{
    return 77; /* skipped until the group's tests land */
}
