/* aarch64 simdx instructions (a64-simdx.decode): tests come with the group. */
#include <stdlib.h>
int main(void)
{
    return 77; /* skipped until the group's tests land */
}
