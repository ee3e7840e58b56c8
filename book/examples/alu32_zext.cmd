step 'w0 += 1' --reg 'r0=scalar(umin=0xfffffffe,umax=0x100000001)'
