from cqfacts.cli import main

main()
