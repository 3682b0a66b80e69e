"""Flask extensions, created unbound so that domain modules can import them freely."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from casework.db import Base

db = SQLAlchemy(model_class=Base, engine_options={"hide_parameters": True})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
