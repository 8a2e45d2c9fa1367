from reviewtui.cli import main

main()
