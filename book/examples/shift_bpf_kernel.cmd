precision tnum.lshift.var.known --against tnum.lshift.var.barrel_bounds --width 64 --input-bits 6
