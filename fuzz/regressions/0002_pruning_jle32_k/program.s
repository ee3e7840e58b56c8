0: (85) call bpf_get_prandom_u32#7
1: (bf) r6 = r0
2: (bf) r7 = r6
3: (b7) r8 = 1
4: (bf) r9 = r0
5: (b7) r5 = -1
6: (0f) r9 += r5
7: (bf) r5 = r0
8: (b6) if w9 <= 0x0 goto pc+0
9: (37) r9 /= 1
10: (1d) if r8 == r6 goto pc+0
11: (bc) w8 = w5
12: (0f) r8 += r8
13: (2d) if r7 > r9 goto pc+1
14: (44) w7 |= 0
15: (c6) if w8 s< 0x0 goto pc+0
16: (95) exit
