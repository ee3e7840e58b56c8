step --help
