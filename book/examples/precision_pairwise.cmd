precision tnum.mul.v5_13 --against tnum.mul.pre_v5_13 --width 6
