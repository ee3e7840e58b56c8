states --help
