from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth.forms import ForgottenPasswordForm, RegisterForm, ResetPasswordForm, SignInForm
from app.extensions import limiter
from app.i18n import current_language
from app.security import is_safe_next
from app.services import accounts, auth_sessions, tokens

bp = Blueprint("auth", __name__, template_folder="templates")


def auth_limit():
    return current_app.config["AUTH_RATE_LIMIT"]


def submitted_email() -> str:
    return accounts.normalise_email(request.form.get("email", ""))[:254] or "(none)"


def sign_in_user(user) -> None:
    session.clear()  # a fresh session at sign-in: nothing from before carries over
    auth_sessions.start(user, max_hours=current_app.config["SESSION_MAX_HOURS"])
    login_user(user)
    session["signed_in_language"] = user.language


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@limiter.limit(auth_limit, methods=["POST"], key_func=submitted_email, scope="sign-in-email")
def sign_in():
    next_page = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_page if is_safe_next(next_page) else url_for("account.overview"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors.append(_("Enter a correct email address and password"))
        elif user.email_verified_at is None:
            accounts.send_verification(user)
            return redirect(url_for("auth.check_email", reason="verify"))
        else:
            sign_in_user(user)
            return redirect(next_page if is_safe_next(next_page) else url_for("account.overview"))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        auth_sessions.end(current_user.current_session_token)
    logout_user()
    session.clear()
    return redirect(url_for("auth.signed_out"))


@bp.get("/signed-out")
def signed_out():
    return render_template("auth/signed_out.html")


@bp.route("/create-account", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("account.overview"))
    form = RegisterForm()
    if form.validate_on_submit():
        accounts.register(
            full_name=form.full_name.data,
            email=form.email.data,
            password=form.password.data,
            language=current_language(),
        )
        return redirect(url_for("auth.check_email", reason="verify"))
    return render_template("auth/register.html", form=form)


@bp.get("/check-your-email/<any(verify, reset):reason>")
def check_email(reason):
    return render_template("auth/check_email.html", reason=reason)


@bp.get("/verify-email/<token>")
def verify_email(token):
    try:
        accounts.verify_email(token)
    except tokens.TokenExpired:
        return render_template("auth/link_problem.html", problem="expired"), 400
    except tokens.TokenInvalid:
        return render_template("auth/link_problem.html", problem="invalid"), 400
    flash(_("Your email address is confirmed. You can now sign in."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@limiter.limit(auth_limit, methods=["POST"], key_func=submitted_email, scope="reset-email")
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return redirect(url_for("auth.check_email", reason="reset"))
    return render_template("auth/forgotten_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def reset_password(token):
    try:
        accounts.user_for_reset_token(token)
    except tokens.TokenExpired:
        return render_template("auth/link_problem.html", problem="expired"), 400
    except tokens.TokenInvalid:
        return render_template("auth/link_problem.html", problem="invalid"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(token, form.password.data)
        flash(_("Your password has been changed. Sign in with your new password."), "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)
