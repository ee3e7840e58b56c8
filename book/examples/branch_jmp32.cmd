step 'if w0 s< 0x0 goto pc+3' --reg 'r0=scalar(smin=-5,smax=5)'
