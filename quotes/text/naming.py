"""How names are built beyond given name + surname: one table of particles, honorifics and
family-name-first conventions, read by the mention finder and the entity registry.

================  ===============================================  ==============================
kind              words                                            what the pipeline does
================  ===============================================  ==============================
particle          al, el, ad, as, ash, an, at, az, ar, bin, ibn,   part of a name, never split
                  bint, abu, abou, umm, abd, abdel, abdul, abdol,  from it ("Faisal bin Farhan");
                  da, de, del, della, di, do, dos, du, la, le,     dropped when a later mention
                  van, von, der, den, ter, mac                     is matched ("Al-Ansari",
                                                                   "Ansari", "al-Ansari")
honorific         Sheikh, Shaikh, Sayyed, Sayyid, Seyyed, Syed,    stripped into the role, never
                  Hojatoleslam, Hojjatoleslam, Ayatollah, Mullah,  the name: "Sheikh Naim
                  Imam, Mufti, Haji, Hajji, Emir, Amir, Prince,    Qassem" is Naim Qassem; with a
                  Princess, King, Queen, Crown, HE, HH, HRH,       single name after it, the
                  Excellency, Dr, Dr., Mr, Mrs, Ms, Mx, Prof,      first name is a key of the
                  Sir, Dame, Lord, Lady, Chief, Alhaji, DP         full name ("Prince Faisal")
rank              Brigadier, General, Major, Lieutenant, Colonel,  stripped into the role
                  Captain, Commander, Admiral, Marshal, Sergeant,
                  Corporal, Field
family first      Kim, Lee, Park, Choi, Jung, Chung, Kang, Cho,    "Park Soo-hyun" is also found
                  Yoon, Jang, Lim, Han, Moon, Shin, Oh, Seo, Kwon,  by a later "Park"; so is any
                  Hwang, Ahn, Song, Yoo, Hong, Chang, Xi, Wang,    name whose given name is
                  Li, Zhang, Liu, Chen, Yang, Zhao, Huang, Zhou,   hyphenated in the Korean way
                  Wu, Xu, Sun, Zhu, Hu, Guo, He, Lin, Luo, Gao,    ("Chung Eui-yong")
                  Deng, Jiang, Wen, Mao, Ma, Nguyen, Tran, Pham,
                  Hun, Abe, Suga, Kishida
================  ===============================================  ==============================

A later mention resolves to the full name given earlier: the registry gets one speaker
"Majed al-Ansari", not a second one called "Ansari".
"""

from __future__ import annotations

import functools
import re

PARTICLES = frozenset(
    """
    al el ad as ash an at az ar bin ibn bint abu abou umm abd abdel abdul abdol
    da de del della di do dos du la le van von der den ter mac
    """.split()
)

# Honorifics and ranks, lower-cased without a final period. They are titles: stripped into
# the role before the name.
HONORIFICS = frozenset(
    """
    sheikh shaikh sheik sayyed sayyid seyyed seyed syed hojatoleslam hojjatoleslam ayatollah
    grand mullah imam mufti haji hajji alhaji emir amir prince princess king queen crown he hh
    hrh excellency dr mr mrs ms mx prof sir dame lord lady chief dp
    """.split()
)
RANKS = frozenset(
    """
    brigadier general major lieutenant colonel captain commander admiral marshal sergeant
    corporal field
    """.split()
)

FAMILY_FIRST = frozenset(
    """
    kim lee park choi jung chung kang cho yoon jang lim han moon shin oh seo kwon hwang ahn
    song yoo hong chang xi wang li zhang liu chen yang zhao huang zhou wu xu sun zhu hu guo
    he lin luo gao deng jiang wen mao ma nguyen tran pham hun abe suga kishida
    """.split()
)

# "Soo-hyun", "Eui-yong", "Jae-in": a Korean given name, so the name before it is the family name
_KOREAN_GIVEN = re.compile(r"^[A-Z][a-z]+-[a-z]+$")
_PARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|ash|an|at|az|ar)[-‑]", re.I)


def is_particle(word: str) -> bool:
    """ "bin", "al", "da": a word that belongs inside a name."""
    return word.lower() in PARTICLES


def strip_particle(word: str) -> str:
    """ "al-Ansari" -> "Ansari": the part of a name a later mention is matched by."""
    if "-" not in word and "‑" not in word:
        return word  # most words: no particle joined by a hyphen, no regular expression
    return _PARTICLE_PREFIX.sub("", word)


def family_name_first(tokens: list[str]) -> bool:
    """Whether a name is written family name first ("Park Soo-hyun", "Wang Wenbin")."""
    if len(tokens) not in (2, 3):
        return False
    return tokens[0].lower() in FAMILY_FIRST or (
        "-" in tokens[-1] and _KOREAN_GIVEN.match(tokens[-1]) is not None
    )


@functools.lru_cache(maxsize=4096)
def name_keys(name: str) -> tuple[str, ...]:
    """The single words a later mention may use for this full name, surest first.

    The family name (last, or first for family-name-first names) with and without
    its particle, then, for Arabic-style names built with particles ("Faisal bin
    Farhan", "Abdulmalik Al-Houthi"), the given name, which honorifics go with
    ("Prince Faisal", "Sheikh Tamim"), then every other word of the name.
    """
    tokens = [t for t in name.split() if t]
    if len(tokens) < 2:
        return ()
    family = tokens[0] if family_name_first(tokens) else tokens[-1]
    keys = [family, strip_particle(family)]
    if any(is_particle(t) or _PARTICLE_PREFIX.match(t) for t in tokens[1:]):
        keys.append(tokens[0])
    keys.extend(strip_particle(t) for t in tokens if not is_particle(t) and len(t) > 2)
    seen: dict[str, None] = {}
    for key in keys:
        if key and not is_particle(key):
            seen.setdefault(key, None)
    return tuple(seen)
