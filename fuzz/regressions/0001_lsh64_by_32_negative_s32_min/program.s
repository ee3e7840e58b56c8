0: (85) call bpf_get_prandom_u32#7
1: (bf) r6 = r0
2: (c7) r6 s>>= 63
3: (b7) r0 = 0
4: (67) r6 <<= 32
5: (95) exit
