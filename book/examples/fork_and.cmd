step 'r0 &= 12' --reg 'r0=scalar(smin=smin32=-1,smax=smax32=0)'
