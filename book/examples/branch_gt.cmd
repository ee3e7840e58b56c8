step 'if r0 > 0x5 goto pc+1' --reg 'r0=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'
