from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PlatformLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose another language.

    Django's LocaleMiddleware follows the browser's Accept-Language header, so an English-
    language browser on a government PC would get an English UI. Here only an explicit
    choice (the language switch, stored in the language cookie) overrides LANGUAGE_CODE.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
