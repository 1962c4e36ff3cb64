from zwgk.commands import run

run()
