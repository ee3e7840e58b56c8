precision tnum.mul --width 64 --input-bits 6
