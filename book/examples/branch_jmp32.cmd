step 'if w0 s< 0x0 goto pc+3' --reg 'r0=scalar(smin=smin32=-5,smax=smax32=5)'
