from openpsap.cli import main

main()
