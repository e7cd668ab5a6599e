import Glibc

exit(GradCLI.main(Array(CommandLine.arguments.dropFirst())))
