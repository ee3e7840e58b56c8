// Two paths: the verifier explores both sides of the branch on the unknown r0.
    call bpf_get_prandom_u32#7
    r0 &= 15
    r1 = r0
    if r0 > 0x7 goto big
    r0 += 1
    exit
big:
    r0 -= 8
    exit
