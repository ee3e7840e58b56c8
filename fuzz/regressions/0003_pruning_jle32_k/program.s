0: (85) call bpf_get_prandom_u32#7
1: (b7) r6 = 0
2: (b7) r7 = 0
3: (57) r0 &= 1
4: (bf) r8 = r0
5: (b7) r9 = 0
6: (b7) r2 = 0
7: (bf) r3 = (s8)r0
8: (b7) r5 = 0
9: (55) if r3 != 0x0 goto pc+0
10: (16) if w2 == 0x1 goto pc+16
11: (76) if w7 s>= 0x1 goto pc+4
12: (a5) if r6 < 0x0 goto pc+0
13: (56) if w5 != 0x0 goto pc+8
14: (74) w5 >>= 0
15: (c7) r7 s>>= 0
16: (bf) r6 = r8
17: (07) r9 += 0
18: (c5) if r6 s< 0x0 goto pc+8
19: (c7) r8 s>>= 0
20: (c6) if w7 s< 0x0 goto pc+6
21: (07) r8 += 0
22: (84) w0 = -w0
23: (55) if r9 != 0x0 goto pc+3
24: (1f) r6 -= r6
25: (bf) r0 = (s32)r8
26: (b6) if w6 <= 0x0 goto pc+0
27: (95) exit
