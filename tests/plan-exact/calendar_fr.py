"""French public holidays and working days, computed here from the rules
(not from appui's tables), for check.py and gen.py."""
import datetime

ONE_DAY = datetime.timedelta(days=1)


def easter(year):
    """Easter Sunday of a Gregorian year (the anonymous Gregorian
    algorithm, also called Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def holidays(year):
    """The eleven public holidays of metropolitan France in `year`."""
    e = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11),
             (12, 25)]
    days = {datetime.date(year, m, d) for m, d in fixed}
    days |= {e + ONE_DAY, e + 39 * ONE_DAY, e + 50 * ONE_DAY}
    return days


_cache = {}


def is_holiday(day):
    if day.year not in _cache:
        _cache[day.year] = holidays(day.year)
    return day in _cache[day.year]


def is_working_day(day, days_off=()):
    """Not a Saturday, Sunday, public holiday, or in one of the inclusive
    (first, last) ranges of `days_off`."""
    if day.weekday() >= 5 or is_holiday(day):
        return False
    return not any(a <= day <= b for a, b in days_off)


def _self_test():
    # Published Easter Sundays, among them an early one (2008: 23 March)
    # and the latest possible date (2038: 25 April).
    known = {1900: (4, 15), 1961: (4, 2), 2008: (3, 23), 2019: (4, 21),
             2024: (3, 31), 2038: (4, 25)}
    for year, (m, d) in known.items():
        assert easter(year) == datetime.date(year, m, d), year
    assert len(holidays(2019)) == 11


_self_test()
