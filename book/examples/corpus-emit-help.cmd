fuzz emit --help
