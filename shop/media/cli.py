from flask.cli import AppGroup

media_cli = AppGroup("media", help="Uploaded images.")
