"""``python -m tests.emulators.picpik [--port 8081] [--job-seconds 3]``"""

from tests.emulators.picpik import main

main()
