"""People's names the Vietnamese way: family and middle names (last_name) before the given name (first_name)."""


def person_name(user) -> str:
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()
