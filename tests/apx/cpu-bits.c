/*
 * Print the APX and MPX CPUID bits as the program sees them, for
 * tests/apx/test-user-cpu-options.sh.
 */
#include <cpuid.h>
#include <stdio.h>

int main(void)
{
    unsigned int eax, ebx0, ebx, ecx, edx;

    __cpuid_count(7, 0, eax, ebx0, ecx, edx);
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    printf("apx=%u mpx=%u\n", (edx >> 21) & 1, (ebx0 >> 14) & 1);
    return 0;
}
