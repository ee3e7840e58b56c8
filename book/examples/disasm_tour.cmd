disasm book/examples/tour.bin
