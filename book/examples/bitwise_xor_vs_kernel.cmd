precision uint.xor.closed --against uint.xor.kernel_way --width 5
