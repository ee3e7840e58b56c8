states book/examples/paths.s
