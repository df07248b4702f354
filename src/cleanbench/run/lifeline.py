"""Imported by the sandbox's fork server only (its preload list): the fork server dies with cleanbench.

Workers die with their parent, the fork server (`lifetime.die_with_parent`); but a fork server outlives
a cleanbench process killed outright (SIGKILL, the OOM killer) for as long as a worker holds its pipe,
and a worker busy on a page that hangs holds it forever. With this, a killed cleanbench takes its fork
server with it, and the fork server its workers, and their workers the programs they started.
"""

from cleanbench.lifetime import die_with_parent

die_with_parent()
