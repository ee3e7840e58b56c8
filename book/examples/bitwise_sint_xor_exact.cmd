precision sint.xor.closed --width 5
