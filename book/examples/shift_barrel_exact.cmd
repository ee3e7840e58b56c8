precision tnum.arshift.var.barrel_bounds --width 6
