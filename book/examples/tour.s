// A tour of the instruction set, in the verifier log's syntax.
    r1 = 0xffffffff ll
    call bpf_get_prandom_u32#7
    r0 &= 255
    w1 = w0
    w1 += 7
    r2 = (s8)r1
    r0 s>>= 63
    r0 = be16 r0
    r0 = bswap64 r0
    r4 = *(u32 *)(r1 +4)
    r5 = *(s16 *)(r1 -2)
    *(u64 *)(r10 -8) = r1
    *(u32 *)(r10 -4) = 5
    lock *(u64 *)(r10 -8) += r1
    r1 = atomic64_fetch_add((u64 *)(r10 -8), r1)
    if w0 > 0x5 goto out
    if r1 s<= r2 goto out
    r0 = -r0
out:
    r0 = 0
    exit
