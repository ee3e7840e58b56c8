precision tnum.mul --against tnum.mul.v5_13 --prove --width 8
