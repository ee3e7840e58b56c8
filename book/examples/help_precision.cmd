precision --help
