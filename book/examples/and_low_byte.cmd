step 'r0 &= 255' --reg 'r0=scalar()'
