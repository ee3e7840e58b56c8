step 'w0 += 1' --reg 'r0=scalar(smin=umin=0xfffffffe,smax=umax=0x100000001,smin32=-2,smax32=1,var_off=(0x0; 0x1ffffffff))'
