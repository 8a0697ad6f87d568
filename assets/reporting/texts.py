"""Every fixed text of the reports and charts, in Dutch (default) and English, in one dictionary.

Use `texts_for(lang)` and call the result with a key and the values to fill in:
`t = texts_for("en"); t("n_pairs", n=7)`. A key missing in English falls back to Dutch, so a
forgotten translation shows Dutch text rather than failing a report. Data (intervention, theme,
answer labels) stays as the codebooks word it; only the report's own words are translated.
"""

import functools
from collections.abc import Callable

from assets.reporting.numbers import fmt_trimmed
from assets.statistics import ALPHA, CONFIDENCE, SMALL_N_MINIMUM

LANGUAGES = ("nl", "en")

TEXTS: dict[str, dict[str, str]] = {
    # --- editions, banner, provenance, PDF ---------------------------------------------------
    "researcher_banner": {"nl": "VERTROUWELIJK – onderzoekerseditie",
                          "en": "CONFIDENTIAL – researcher edition"},
    "small_group_note": {"nl": "groep kleiner dan {minimum}; niet getoond",
                         "en": "group smaller than {minimum}; not shown"},
    "secondary_note": {"nl": "niet getoond omdat het samen met de andere cijfers een verborgen groep kleiner dan "
                             "{minimum} zou prijsgeven (secundaire onderdrukking)",
                       "en": "not shown because together with the other figures it would reveal a hidden group "
                             "smaller than {minimum} (secondary suppression)"},
    "pdf_not_requested": {"nl": "niet gemaakt: niet gevraagd (MHM_ORGANISATION_PDFS=1 maakt ze)",
                          "en": "not made: not requested (MHM_ORGANISATION_PDFS=1 makes them)"},
    "pdf_failed": {"nl": "niet gemaakt: Typst gaf een fout ({error})", "en": "not made: Typst failed ({error})"},
    "provenance": {"nl": "Verantwoording", "en": "Provenance"},
    "sample_note": {"nl": "Gemaakt van de meegeleverde synthetische voorbeelddata (data/README.md): verzonnen "
                          "antwoorden en interviews die de cijfers van het bronrapport nabootsen, van geen echte "
                          "deelnemer. Waar een cijfer van het bronrapport afwijkt, zegt data/README.md waarom.",
                    "en": "Made from the bundled synthetic sample data (data/README.md): invented answers and "
                          "interviews that mimic the source report's figures, of no real participant. Where a figure "
                          "differs from the source report's, data/README.md says why."},
    "provenance_text": {"nl": "Elk getal in dit rapport is bij het maken van het rapport opgevraagd uit het "
                              "datawarehouse (tabellen marts.*) en pas bij het afdrukken afgerond; de volle precisie "
                              "blijft in het warehouse. Deelnemers zijn gepseudonimiseerd.",
                        "en": "Every number in this report was read from the data warehouse (tables marts.*) when "
                              "the report was made and rounded only for printing; full precision stays in the "
                              "warehouse. Participants are pseudonymised."},
    "source_file": {"nl": "Bronbestand", "en": "Source file"},
    "instrument": {"nl": "Instrument", "en": "Instrument"},
    "rows": {"nl": "Rijen", "en": "Rows"},
    "source_files": {"nl": "Bronbestanden", "en": "Source files"},
    "set_aside": {"nl": "Apart gezet", "en": "Set aside"},
    "set_aside_note": {"nl": "Apart gezet: {n} rij(en), voorbeeld-, test- en spamantwoorden, een tweede, "
                             "onvoltooide respons of wat niet te lezen was (een antwoord dat het codeboek niet kent, "
                             "een cijfer buiten de schaal, ...); ze tellen in geen enkel cijfer van dit rapport mee. "
                             "De datakwaliteitspagina zegt per rij waarom.",
                       "en": "Set aside: {n} row(s), previews, tests and spam, an unfinished second response or what "
                             "could not be read (an answer the codebook does not know, a grade outside the scale, "
                             "...); they count in no figure of this report. The data-quality page says why, row by "
                             "row."},
    "no_source_files": {"nl": "Geen bronbestanden geregistreerd voor dit jaar.",
                        "en": "No source files registered for this year."},
    "codebook": {"nl": "Codeboek", "en": "Codebook"},
    "codebooks": {"nl": "Codeboeken", "en": "Codebooks"},
    "no_codebooks": {"nl": "Geen codeboeken geregistreerd voor dit jaar.",
                     "en": "No codebooks registered for this year."},
    "package": {"nl": "Pakket", "en": "Package"},
    "version": {"nl": "Versie", "en": "Version"},
    "software": {"nl": "Software", "en": "Software"},
    "not_installed": {"nl": "niet geïnstalleerd", "en": "not installed"},
    "dagster_run": {"nl": "Dagster-run: {run_id}", "en": "Dagster run: {run_id}"},
    # --- small-N flags -----------------------------------------------------------------------
    "te klein": {"nl": "te klein", "en": "too small"},
    "indicatief": {"nl": "indicatief", "en": "indicative"},
    "flag_legend": {"nl": "Kleine groepen, statistisch: ‘te klein’ = minder dan {small} (geen toets), ‘indicatief’ "
                          "= {small} tot en met {indicative} (voorzichtig interpreteren).",
                    "en": "Small groups, statistically: ‘too small’ = fewer than {small} (no test), ‘indicative’ = "
                          "{small} to {indicative} (interpret with caution)."},
    # --- PMG ------------------------------------------------------------------------------------
    "pmg_title": {"nl": "Platform Mentale Gezondheid – resultaten {year}",
                  "en": "Platform Mental Health – results {year}"},
    "pmg_intro": {"nl": "Resultaten van de monitoring van interventies voor mentale gezondheid, editie {year}. "
                        "Alle cijfers komen rechtstreeks uit het datawarehouse.",
                  "en": "Results of the monitoring of mental-health interventions, edition {year}. "
                        "Every figure comes straight from the data warehouse."},
    "pmg_intro_researcher": {"nl": "Onderzoekerseditie: bevat alle cijfers, ook van kleine groepen, en citaten. "
                                   "Niet verspreiden.",
                             "en": "Researcher edition: every figure, small groups included, and quotes. "
                                   "Do not distribute."},
    "pmg_intro_stakeholder": {"nl": "Gemiddelden van groepen kleiner dan {minimum} deelnemers, cijfers waaruit ze "
                                    "terug te rekenen zijn, de thema's van interventies met minder dan {minimum} "
                                    "geïnterviewden (bij T0 of T1), en citaten zijn weggelaten om deelnemers niet "
                                    "herkenbaar te maken.",
                              "en": "Means of groups smaller than {minimum} participants, figures they could be "
                                    "worked back from, the themes of interventions with fewer than {minimum} "
                                    "interviewees (at T0 or T1), and quotes are left out so no participant can be "
                                    "recognised."},
    "respondents": {"nl": "Respondenten", "en": "Respondents"},
    "pmg_org_title": {"nl": "Platform Mentale Gezondheid – {organisation}, resultaten {year}",
                      "en": "Platform Mental Health – {organisation}, results {year}"},
    "pmg_org_intro": {"nl": "Dit rapport beschrijft {what} van {organisation}; het jaarrapport "
                            "({file} in de map pmg/{year}/) zet alle organisaties naast elkaar.",
                      "en": "This report describes {organisation}'s {what}; the yearly report "
                            "({file} in the folder pmg/{year}/) sets all organisations side by side."},
    "the_intervention": {"nl": "de interventie", "en": "intervention"},
    "the_interventions": {"nl": "de interventies", "en": "interventions"},
    "per_organisation": {"nl": "Rapporten per organisatie", "en": "Reports per organisation"},
    "per_organisation_intro": {"nl": "Dit jaar telt {k} interventies bij {n} organisaties: te veel om hier elk "
                                     "afzonderlijk te beschrijven. Elke organisatie heeft een eigen rapport, naast "
                                     "dit rapport, met per interventie het korte overzicht, de thema's per sectie, "
                                     "de verandering per groep en de conclusies. De tabellen hieronder zetten de "
                                     "interventies naast elkaar.",
                               "en": "This year counts {k} interventions at {n} organisations: too many to describe "
                                     "each one here. Every organisation has a report of its own, beside this one, "
                                     "with per intervention the short overview, the themes per section, the change "
                                     "per group and the conclusions. The tables below set the interventions side by "
                                     "side."},
    "n_interventions": {"nl": "Interventies", "en": "Interventions"},
    "report_file": {"nl": "Rapport", "en": "Report"},
    "org_reports_caption": {"nl": "Organisaties en hun rapporten", "en": "Organisations and their reports"},
    "no_respondents_year": {"nl": "Voor {year} zijn nog geen respondenten geregistreerd.",
                            "en": "No respondents registered for {year} yet."},
    "organisation": {"nl": "Organisatie", "en": "Organisation"},
    "intervention": {"nl": "Interventie", "en": "Intervention"},
    "group": {"nl": "Groep", "en": "Group"},
    "q_n_t0": {"nl": "Vragenlijst N T0", "en": "Questionnaire N T0"},
    "q_n_t1": {"nl": "Vragenlijst N T1", "en": "Questionnaire N T1"},
    "tabel": {"nl": "Tabel {no}", "en": "Table {no}"},
    "figuur": {"nl": "Figuur {no}", "en": "Figure {no}"},
    "tabel3_caption": {"nl": "Overzicht van organisaties, interventies en aantallen respondenten",
                       "en": "Organisations, interventions and numbers of respondents"},
    "tabel3_caption_own": {"nl": "Overzicht van interventies en aantallen respondenten",
                           "en": "Interventions and numbers of respondents"},
    "interviews_sentence": {"nl": "In totaal zijn {n} focusinterviews gecodeerd, {t0} bij T0 en {t1} bij T1; de "
                                  "groepsgrootte varieerde tussen {lo} en {hi} deelnemers.",
                            "en": "In all, {n} focus interviews were coded, {t0} at T0 and {t1} at T1; group size "
                                  "ranged from {lo} to {hi} participants."},
    "interviews_sentence_alike": {"nl": "In totaal zijn {n} focusinterviews gecodeerd, {t0} bij T0 en {t1} bij T1, "
                                        "elk met {people}.",
                                  "en": "In all, {n} focus interviews were coded, {t0} at T0 and {t1} at T1, each with "
                                        "{people}."},
    "interviews_sentence_one": {"nl": "Er is één focusinterview gecodeerd, met {people}.",
                                "en": "One focus interview was coded, with {people}."},
    "tabel3_note": {"nl": "N T0 / N T1: deelnemers aan het focusinterview vóór (T0) en na (T1) de interventie; "
                          "/ = geen deelnemers. Vragenlijst: respondenten op de korte schriftelijke vragenlijst.",
                    "en": "N T0 / N T1: participants in the focus interview before (T0) and after (T1) the "
                          "intervention; / = none. Questionnaire: respondents to the short written questionnaire."},
    "tabel3_set_aside": {"nl": "Let op: {n} rij(en) van de vragenlijst van dit jaar (alle organisaties samen) konden "
                               "niet worden verwerkt en tellen nergens mee (zie Verantwoording); waar / staat, "
                               "kunnen die respondenten ontbreken.",
                         "en": "Note: {n} questionnaire row(s) of this year (all organisations together) could not "
                               "be processed and count nowhere (see Provenance); where / stands, those respondents "
                               "may be missing."},
    "questionnaire_set_aside": {"nl": "Van de vragenlijst van dit jaar konden {n} rij(en) niet worden verwerkt (alle "
                                      "organisaties samen; zie Verantwoording): die respondenten kunnen hier "
                                      "ontbreken.",
                                "en": "{n} questionnaire row(s) of this year could not be processed (all "
                                      "organisations together; see Provenance): those respondents may be missing "
                                      "here."},
    "intervention_heading": {"nl": "Interventie {name}", "en": "Intervention {name}"},
    "overview": {"nl": "Kort overzicht T0 en T1", "en": "Short overview T0 and T1"},
    "interview_sentence": {"nl": "Aan het focusinterview deden vóór de interventie (T0) {n0} en na de interventie "
                                 "(T1) {n1} mee.",
                           "en": "Focus interview: {n0} before the intervention (T0), {n1} after it (T1)."},
    "no_interviews": {"nl": "Voor deze interventie zijn (nog) geen gecodeerde focusinterviews beschikbaar.",
                      "en": "No coded focus interviews are available for this intervention (yet)."},
    "questionnaire_sentence": {"nl": "De korte schriftelijke vragenlijst werd vóór de interventie door {n0} en na "
                                     "de interventie door {n1} ingevuld.",
                               "en": "The short written questionnaire was filled in by {n0} before the "
                                     "intervention and by {n1} after it."},
    "ungraded_note": {"nl": "{wave}: {answered} respondenten vulden de vragenlijst in, {graded} van hen gaven een "
                            "cijfer voor hun mentale gezondheid; het gemiddelde is van die {graded}.",
                      "en": "{wave}: {answered} respondents filled in the questionnaire, {graded} of them graded their "
                            "mental health; the mean is of those {graded}."},
    "employee": {"nl": "medewerker", "en": "employee"},
    "employees": {"nl": "medewerkers", "en": "employees"},
    "participant": {"nl": "deelnemer", "en": "participant"},
    "participants": {"nl": "deelnemers", "en": "participants"},
    "none_of": {"nl": "niemand", "en": "nobody"},
    "mh_t0_what": {"nl": "Het gemiddelde cijfer voor ervaren mentale gezondheid vóór de interventie (T0)",
                   "en": "The mean self-rated mental health before the intervention (T0)"},
    "mh_t1_what": {"nl": "Het gemiddelde cijfer voor ervaren mentale gezondheid na de interventie (T1)",
                   "en": "The mean self-rated mental health after the intervention (T1)"},
    "rating_what": {"nl": "Het gemiddelde cijfer voor de interventie", "en": "The mean grade for the intervention"},
    "no_t0": {"nl": "geen T0-respondenten", "en": "no T0 respondents"},
    "no_t1": {"nl": "geen T1-respondenten", "en": "no T1 respondents"},
    "grade_hidden": {"nl": "{what} wordt niet getoond (groep kleiner dan {minimum}).",
                     "en": "{what} is not shown (group smaller than {minimum})."},
    "grade_hidden_secondary": {"nl": "{what} wordt niet getoond (secundaire onderdrukking: dezelfde mensen als een "
                                     "verborgen groep).",
                               "en": "{what} is not shown (secondary suppression: the same people as a hidden "
                                     "group)."},
    "grade_sentence": {"nl": "{what} was M={mean} (N={n}) met een range tussen {lo} en {hi} (zie Tabel {table}).",
                       "en": "{what} was M={mean} (N={n}), ranging from {lo} to {hi} (see Table {table})."},
    "grade_sentence_one_value": {"nl": "{what} was M={mean} (N={n}); {who} gaven een {value} (zie Tabel {table}).",
                                 "en": "{what} was M={mean} (N={n}); {who} gave the same grade, {value} (see Table "
                                       "{table})."},
    "both_participants": {"nl": "beide deelnemers", "en": "both participants"},
    "all_participants": {"nl": "alle {n} deelnemers", "en": "all {n} participants"},
    "grade_sentence_single": {"nl": "{what} was {value} (N=1; zie Tabel {table}).",
                              "en": "{what} was {value} (N=1; see Table {table})."},
    "grade_missing": {"nl": "{what}: {missing}.", "en": "{what}: {missing}."},
    "grade_legend": {"nl": "M = gemiddeld cijfer ({scale}), N = aantal respondenten, range = laagste – hoogste cijfer.",
                     "en": "M = mean grade ({scale}), N = respondents, range = lowest – highest grade."},
    "grade_scales": {"nl": "mentale gezondheid {mh}, cijfer voor de interventie {rating}",
                     "en": "mental health {mh}, grade for the intervention {rating}"},
    "t0_mn": {"nl": "T0 M (N)", "en": "T0 M (N)"},
    "t0_range": {"nl": "T0 range", "en": "T0 range"},
    "t1_mn": {"nl": "T1 M (N)", "en": "T1 M (N)"},
    "t1_range": {"nl": "T1 range", "en": "T1 range"},
    "rating_mn": {"nl": "Cijfer interventie M (N)", "en": "Intervention grade M (N)"},
    "rating_range": {"nl": "Cijfer interventie range", "en": "Intervention grade range"},
    "overview_caption": {"nl": "Ervaren mentale gezondheid T0 & T1 en cijfer interventie",
                         "en": "Self-rated mental health T0 & T1 and grade for the intervention"},
    "mentioned_one": {"nl": "{n} deelnemer noemde {theme}", "en": "{n} participant mentioned {theme}"},
    "mentioned_many": {"nl": "{n} deelnemers noemden {theme}", "en": "{n} participants mentioned {theme}"},
    "themes_hidden_all": {"nl": "De thema's van deze interventie worden niet getoond: minder dan {minimum} "
                                "deelnemers aan een focusinterview (de onderzoekerseditie toont ze).",
                          "en": "This intervention's themes are not shown: fewer than {minimum} participants in a "
                                "focus interview (the researcher edition shows them)."},
    "themes_hidden": {"nl": "Welke thema's bij {waves} genoemd werden, wordt niet getoond: minder dan {minimum} "
                            "deelnemers aan de focusinterviews van deze interventie (de onderzoekerseditie toont ze).",
                      "en": "The themes raised at {waves} are not shown: fewer than {minimum} participants in this "
                            "intervention's focus interviews (the researcher edition shows them)."},
    "no_segments": {"nl": "Geen gecodeerde interviewfragmenten voor dit onderdeel.",
                    "en": "No coded interview segments for this part."},
    "other": {"nl": "Overig", "en": "Other"},
    "quotes_heading": {"nl": "Citaten", "en": "Quotes"},
    "Diagnose": {"nl": "Diagnose", "en": "Diagnosis"},
    "Interventieverwachtingen": {"nl": "Interventieverwachtingen", "en": "Expectations of the intervention"},
    "Verandering": {"nl": "Verandering", "en": "Change"},
    "Evaluatie": {"nl": "Evaluatie", "en": "Evaluation"},
    "Advies": {"nl": "Advies", "en": "Advice"},
    "werk_hulpbron": {"nl": "Werkgerelateerde hulpbronnen", "en": "Work-related resources"},
    "werk_stressor": {"nl": "Werkgerelateerde stressfactoren", "en": "Work-related stressors"},
    "persoonlijke_hulpbron": {"nl": "Persoonlijke hulpbronnen", "en": "Personal resources"},
    "persoonlijke_stressor": {"nl": "Persoonlijke stressfactoren", "en": "Personal stressors"},
    "uitkomst": {"nl": "Impact op mentale gezondheid", "en": "Impact on mental health"},
    "Individu": {"nl": "Individu", "en": "Individual"},
    "Groep": {"nl": "Groep", "en": "Group"},
    "Leider": {"nl": "Leidinggevende", "en": "Leader"},
    "Organisatie": {"nl": "Organisatie", "en": "Organisation"},
    "Omgeving": {"nl": "Omgeving", "en": "Overarching context"},
    "mh_overview": {"nl": "Overzicht ervaren mentale gezondheid", "en": "Self-rated mental health at a glance"},
    "mh_chart_caption": {"nl": "Ervaren mentale gezondheid vóór (T0) en na (T1) de interventie; N per punt. T0 en T1 "
                               "zijn gemiddelden van iedereen die die keer een cijfer gaf, niet altijd dezelfde "
                               "mensen; de verandering bij dezelfde deelnemers staat in de paragraaf ‘Verandering "
                               "bij dezelfde deelnemers’.",
                         "en": "Self-rated mental health before (T0) and after (T1) the intervention; N at each point. "
                               "T0 and T1 are means of everyone who gave a grade that time, not always the same "
                               "people; the change in the same participants is in the section ‘Change in the same "
                               "participants’."},
    "chart_hidden_suffix": {"nl": " Groepen kleiner dan {minimum} (en wat ze zou prijsgeven) zijn niet getoond.",
                            "en": " Groups smaller than {minimum} (and what would reveal them) are not shown."},
    "no_chart": {"nl": "{figure} ontbreekt in deze editie: er is geen groep die getoond kan worden.",
                 "en": "{figure} is not in this edition: there is no group it can show."},
    "mh_chart_alt": {"nl": "Puntgrafiek: per getoonde interventie het gemiddelde cijfer voor ervaren mentale "
                           "gezondheid op T0 en op T1, met een lijn ertussen waar beide er zijn",
                     "en": "Dot chart: per intervention shown, mean self-rated mental health at T0 and at T1, joined "
                           "by a line where both are there"},
    # PMG statistics
    "change_heading": {"nl": "Verandering bij dezelfde deelnemers", "en": "Change in the same participants"},
    "change_intro": {"nl": "De tabellen hierboven vergelijken T0 en T1 van (deels) verschillende mensen. Hieronder "
                           "alleen wie beide keren een cijfer gaf: het verschil T1 − T0 per persoon, met de "
                           "Hodges-Lehmann-schatting (de mediaan van alle paargemiddelden van de verschillen), de "
                           "rangbiseriële correlatie (−1 tot 1; positief: hoger na) en de Wilcoxon-rangtekentoets, "
                           "alleen waar een p onder {alpha} überhaupt mogelijk is. Wie beide keren hetzelfde cijfer "
                           "gaf, telt mee in de schatting, niet in de correlatie en de toets.",
                     "en": "The tables above compare T0 and T1 of (partly) different people. Below only those who "
                           "gave a grade both times: the difference T1 − T0 per person, with the Hodges-Lehmann "
                           "estimate (the median of all pairwise averages of the differences), the rank-biserial "
                           "correlation (−1 to 1; positive: higher after) and the Wilcoxon signed-rank test, only "
                           "where a p below {alpha} is possible at all. Those who gave the same grade both times count "
                           "in the estimate, not in the correlation or the test."},
    "paired_caption": {"nl": "Verandering in ervaren mentale gezondheid bij dezelfde deelnemers (T1 − T0)",
                       "en": "Change in self-rated mental health in the same participants (T1 − T0)"},
    "all_groups": {"nl": "(alle groepen)", "en": "(all groups)"},
    "n_pairs": {"nl": "N paren", "en": "N pairs"},
    "mean_t0": {"nl": "M T0", "en": "M T0"},
    "mean_t1": {"nl": "M T1", "en": "M T1"},
    "mean_diff": {"nl": "Gem. verschil", "en": "Mean diff."},
    "median_diff": {"nl": "Mediaan verschil", "en": "Median diff."},
    "hl": {"nl": "Hodges-Lehmann", "en": "Hodges-Lehmann"},
    "rank_biserial": {"nl": "Rangbiseriële r", "en": "Rank-biserial r"},
    "p": {"nl": "p", "en": "p"},
    "flag": {"nl": "Kleine N", "en": "Small N"},
    "changed_pairs": {"nl": "Hoger/lager/gelijk", "en": "Higher/lower/same"},
    "changed_pairs_note": {"nl": "Hoger/lager/gelijk: hoeveel deelnemers op T1 een hoger, lager of hetzelfde "
                                 "cijfer gaven dan op T0.",
                           "en": "Higher/lower/same: how many participants gave a higher, lower or the same "
                                 "grade at T1 as at T0."},
    "test": {"nl": "Toets", "en": "Test"},
    "test_exact": {"nl": "exact", "en": "exact"},
    "test_asymptotic": {"nl": "benaderd", "en": "approximate"},
    "test_none": {"nl": "geen", "en": "none"},
    "test_note": {"nl": "Toets: de Wilcoxon-rangtekentoets, tweezijdig",
                  "en": "Test: the Wilcoxon signed-rank test, two-sided"},
    "test_exact_means": {"nl": "exact: p uit de exacte verdeling (alle tekenpatronen)",
                         "en": "exact: p from the exact distribution (every sign pattern)"},
    "test_asymptotic_means": {"nl": "benaderd: p uit de normale benadering",
                              "en": "approximate: p from the normal approximation"},
    "test_none_means": {"nl": "geen: met {m} of minder veranderde paren is p < {alpha} onmogelijk",
                        "en": "none: with {m} or fewer changed pairs p < {alpha} is impossible"},
    "paired_totals_only": {"nl": "Per interventie, alle groepen samen; de groepen staan in de rapporten per "
                                 "organisatie.",
                           "en": "Per intervention, all groups together; the groups are in the reports per "
                                 "organisation."},
    "wilcoxon": {"nl": "Wilcoxon-rangtekentoets, tweezijdig", "en": "Wilcoxon signed-rank test, two-sided"},
    "paired_hidden_primary": {"nl": "minder dan {minimum} paren; niet getoond",
                              "en": "fewer than {minimum} pairs; not shown"},
    "no_pairs": {"nl": "Geen deelnemers met een cijfer op zowel T0 als T1.",
                 "en": "No participants with a grade at both T0 and T1."},
    "unpaired_caption": {"nl": "Alle T0- tegen alle T1-cijfers, waar de metingen (deels) verschillende mensen bevatten",
                         "en": "All T0 against all T1 grades, where the waves hold (partly) different people"},
    "n_paired": {"nl": "Waarvan beide", "en": "Of whom both"},
    "mw_p": {"nl": "Mann-Whitney p", "en": "Mann-Whitney p"},
    "cliffs_delta": {"nl": "Cliff's delta", "en": "Cliff's delta"},
    "unpaired_note": {"nl": "Cliff's delta vergelijkt alle T0- met alle T1-cijfers en is alleen beschrijvend. De "
                            "Mann-Whitney-toets vraagt onafhankelijke groepen: alleen als niemand beide keren meedeed "
                            "en de kleinste meting minstens {min_grades} cijfers heeft; wie beide keren meedeed, staat "
                            "in de tabel hierboven.",
                      "en": "Cliff's delta compares all T0 with all T1 grades and is descriptive only. The "
                            "Mann-Whitney test needs independent groups: only when nobody took part both times and "
                            "the smaller wave has at least {min_grades} grades; who took part both times is in the "
                            "table above."},
    "unpaired_none": {"nl": "Geen interventie met (deels) verschillende mensen op T0 en T1 die getoond kan worden.",
                      "en": "No intervention with (partly) different people at T0 and T1 that can be shown."},
    # PMG themes
    "themes_heading": {"nl": "Thema's naar IGLOO-niveau en JD-R-categorie",
                       "en": "Themes by IGLOO level and JD-R category"},
    "themes_intro": {"nl": "Waar de thema's uit de Diagnose zitten: per interventie het aantal verschillende "
                           "thema's per IGLOO-niveau en JD-R-categorie, met het aantal groepen en deelnemers dat ze "
                           "noemde.",
                     "en": "Where the Diagnosis themes sit: per intervention the number of distinct themes per "
                           "IGLOO level and JD-R category, with the number of groups and participants raising them."},
    "themes_intro_compact": {"nl": "Waar de thema's uit de Diagnose zitten, over alle interventies samen: per "
                                   "IGLOO-niveau en JD-R-categorie in hoeveel interventies er een thema werd genoemd, "
                                   "en hoeveel thema's en groepen dat samen waren. Elke organisatie vindt de tabel "
                                   "van haar eigen interventies in haar rapport.",
                             "en": "Where the Diagnosis themes sit, over all interventions together: per IGLOO level "
                                   "and JD-R category in how many interventions a theme was raised, and how many "
                                   "themes and groups that came to. Each organisation finds the table of its own "
                                   "interventions in its report."},
    "n_interventions_with_theme": {"nl": "Interventies", "en": "Interventions"},
    "igloo_level": {"nl": "IGLOO-niveau", "en": "IGLOO level"},
    "jdr_category": {"nl": "JD-R-categorie", "en": "JD-R category"},
    "n_themes": {"nl": "Thema's", "en": "Themes"},
    "n_groups": {"nl": "Groepen", "en": "Groups"},
    "n_participants": {"nl": "Deelnemers", "en": "Participants"},
    "matrix_caption": {"nl": "Thema's per IGLOO-niveau en JD-R-categorie", "en": "Themes per IGLOO level and JD-R category"},
    "matrix_hidden_note": {"nl": "Interventies met minder dan {minimum} geïnterviewden (bij T0 of T1) zijn "
                                 "weggelaten: hun thema's worden in dit rapport niet genoemd.",
                           "en": "Interventions with fewer than {minimum} interviewees (at T0 or T1) are left out: "
                                 "this report does not name their themes."},
    "heatmap_caption": {"nl": "Aantal verschillende thema's per IGLOO-niveau en JD-R-categorie, per interventie.",
                        "en": "Number of distinct themes per IGLOO level and JD-R category, per intervention."},
    "heatmap_alt": {"nl": "Heatmap van het aantal thema's per IGLOO-niveau en JD-R-categorie",
                    "en": "Heatmap of the number of themes per IGLOO level and JD-R category"},
    "heatmap_colorbar": {"nl": "Aantal thema's", "en": "Number of themes"},
    "mh_top": {"nl": "de {shown} van {total} interventies met de meeste respondenten; alle in marts.pmg_mental_health",
               "en": "the {shown} of {total} interventions with the most respondents; all in marts.pmg_mental_health"},
    "heatmap_top": {"nl": "de {shown} van {total} interventies met de meeste thema's; alle in marts.pmg_theme_matrix",
                    "en": "the {shown} of {total} interventions with the most themes; all in marts.pmg_theme_matrix"},
    "heatmap_title": {"nl": "Thema's uit de Diagnose naar IGLOO-niveau en JD-R-categorie",
                      "en": "Diagnosis themes by IGLOO level and JD-R category"},
    "quote": {"nl": "“{quote}” ({theme}; {group})", "en": "“{quote}” ({theme}; {group})"},
    # PMG conclusions
    "conclusions": {"nl": "Conclusies", "en": "Conclusions"},
    "conclusions_intro": {"nl": "Berekend uit de verandering bij dezelfde deelnemers (tabel ‘Verandering bij "
                                "dezelfde deelnemers’): hoger of lager volgens de Hodges-Lehmann-schatting, waar de "
                                "meesten die veranderden dezelfde kant op gingen; (grotendeels) gelijk waar de "
                                "schatting 0 is en de meesten gelijk bleven; anders wisselend; zekerheid volgens de "
                                "toets, die alleen telt wie veranderde, en de groepsgrootte.",
                          "en": "Computed from the change in the same participants (‘Change in the same "
                                "participants’): higher or lower from the Hodges-Lehmann estimate, where most of "
                                "those who changed went the same way; (mostly) unchanged where the estimate is 0 and "
                                "most stayed the same; mixed otherwise; certainty from the test, which counts only "
                                "those who changed, and the group size."},
    "up": {"nl": "hoger na de interventie", "en": "higher after the intervention"},
    "down": {"nl": "lager na de interventie", "en": "lower after the intervention"},
    "flat": {"nl": "gelijk gebleven", "en": "unchanged"},
    "mixed": {"nl": "wisselend", "en": "mixed"},
    "flat_up": {"nl": "grotendeels gelijk gebleven, bij wie veranderde vooral hoger",
                "en": "mostly unchanged, and mostly higher in those who changed"},
    "flat_down": {"nl": "grotendeels gelijk gebleven, bij wie veranderde vooral lager",
                  "en": "mostly unchanged, and mostly lower in those who changed"},
    "up_word": {"nl": "omhoog", "en": "up"},
    "down_word": {"nl": "omlaag", "en": "down"},
    "concl_row": {"nl": "{name}: bij de {n} deelnemers met beide metingen was de ervaren mentale gezondheid als "
                        "geheel {direction}{numbers}. {certainty}",
                  "en": "{name}: in the {n} participants with both measurements, self-rated mental health was, "
                        "overall, {direction}{numbers}. {certainty}"},
    "concl_numbers": {"nl": " ({higher} hoger, {lower} lager, {same} gelijk; Hodges-Lehmann {hl}; rangbiseriële r {r})",
                      "en": " ({higher} higher, {lower} lower, {same} the same; Hodges-Lehmann {hl}; rank-biserial "
                            "r {r})"},
    "sure_significant": {"nl": "Statistisch significant ({p}).", "en": "Statistically significant ({p})."},
    "sure_significant_among_changed": {
        "nl": "Statistisch significant ({p}): de toets telt alleen de {m} deelnemers die veranderden, en die "
              "gingen vooral {direction}.",
        "en": "Statistically significant ({p}): the test counts only the {m} participants who changed, and they "
              "mostly went {direction}."},
    "sure_significant_weighted": {
        "nl": "Statistisch significant ({p}): de toets telt alleen de {m} deelnemers die veranderden en weegt hoe "
              "ver ze gingen; zo gewogen gingen ze {direction}.",
        "en": "Statistically significant ({p}): the test counts only the {m} participants who changed and weighs how "
              "far they went; so weighed, they went {direction}."},
    "sure_hidden": {"nl": "De cijfers en de toets worden in deze editie niet getoond (** in de tabel): lees de "
                          "richting als een aanwijzing, niet als bewijs.",
                    "en": "Its figures and test are not shown in this edition (** in the table): read the direction "
                          "as an indication, not as proof."},
    "sure_not_significant": {"nl": "Niet statistisch significant ({p}): het kan toeval zijn.",
                             "en": "Not statistically significant ({p}): it may be chance."},
    "sure_no_test": {"nl": "Geen toets mogelijk met zo weinig veranderde paren: alleen beschrijvend, {flag}.",
                     "en": "No test possible with so few changed pairs: descriptive only, {flag}."},
    "sure_no_test_plain": {"nl": "Geen toets mogelijk met zo weinig veranderde paren: alleen beschrijvend.",
                           "en": "No test possible with so few changed pairs: descriptive only."},
    "concl_groups": {"nl": "Per groep: {items}.", "en": "By group: {items}."},
    "concl_group_item": {"nl": "{group} {direction} (N={n}, {flag})", "en": "{group} {direction} (N={n}, {flag})"},
    "concl_group_item_plain": {"nl": "{group} {direction} (N={n})", "en": "{group} {direction} (N={n})"},
    "concl_too_few": {"nl": "{name}: te weinig deelnemers met beide metingen (minder dan {minimum}) voor een "
                            "uitspraak over verandering.",
                      "en": "{name}: too few participants with both measurements (fewer than {minimum}) to say "
                            "anything about change."},
    "concl_no_pairs": {"nl": "{name}: geen deelnemers met een cijfer vóór én na; over verandering is niets te zeggen.",
                       "en": "{name}: no participants graded before and after; nothing can be said about change."},
    "concl_summary": {"nl": "Van de interventies met een voor- en nameting bij dezelfde mensen ({k}) was het cijfer "
                            "{clauses}.",
                      "en": "Of the interventions measured before and after in the same people ({k}), the grade was "
                            "{clauses}."},
    "concl_up": {"nl": "hoger na de interventie bij {names}", "en": "higher after the intervention for {names}"},
    "concl_down": {"nl": "lager na de interventie bij {names}", "en": "lower after the intervention for {names}"},
    "concl_flat": {"nl": "gelijk gebleven bij {names}", "en": "unchanged for {names}"},
    "concl_flat_up": {"nl": "grotendeels gelijk gebleven (bij wie veranderde vooral hoger) bij {names}",
                      "en": "mostly unchanged (mostly higher in those who changed) for {names}"},
    "concl_flat_down": {"nl": "grotendeels gelijk gebleven (bij wie veranderde vooral lager) bij {names}",
                        "en": "mostly unchanged (mostly lower in those who changed) for {names}"},
    "concl_mixed": {"nl": "wisselend (hoger en lager zonder duidelijke richting) bij {names}",
                    "en": "mixed (higher and lower without a clear direction) for {names}"},
    "concl_summary_none": {"nl": "Geen interventie had een voor- en nameting bij dezelfde mensen.",
                           "en": "No intervention was measured before and after in the same people."},
    "concl_summary_unpaired": {"nl": "Zonder voor- en nameting bij dezelfde mensen: {names}.",
                               "en": "Not measured before and after in the same people: {names}."},
    "concl_unclear": {"nl": "Geen uitspraak over verandering mogelijk bij {names}.",
                      "en": "Nothing can be said about change for {names}."},
    "concl_summary_one": {"nl": "Bij de enige interventie met een voor- en nameting bij dezelfde mensen, {name}, "
                                "was het cijfer {direction}.",
                          "en": "For the only intervention measured before and after in the same people, {name}, "
                                "the grade was {direction}."},
    "concl_summary_one_mixed": {"nl": "Bij de enige interventie met een voor- en nameting bij dezelfde mensen, {name}, "
                                      "gingen deelnemers hoger en lager uit zonder duidelijke richting.",
                                "en": "For the only intervention measured before and after in the same people, "
                                      "{name}, participants came out higher and lower without a clear direction."},
    "concl_unclear_one": {"nl": "Bij de enige interventie met een voor- en nameting bij dezelfde mensen, {name}, is "
                                "geen uitspraak over verandering mogelijk.",
                          "en": "For the only intervention measured before and after in the same people, {name}, "
                                "nothing can be said about change."},
    "concl_unclear_all": {"nl": "Bij geen van de interventies met een voor- en nameting bij dezelfde mensen ({k}) is "
                                "een uitspraak over verandering mogelijk: {names}.",
                          "en": "For none of the interventions measured before and after in the same people ({k}) "
                                "can anything be said about change: {names}."},
    "concl_sure_none": {"nl": "Het verschil bij {names} kon niet statistisch getoetst worden (te weinig deelnemers "
                              "die veranderden): lees het als een aanwijzing, niet als bewijs.",
                        "en": "The difference for {names} could not be tested (too few participants changed): read "
                              "it as an indication, not as proof."},
    "concl_sure_none_tested": {"nl": "Geen van de getoetste verschillen is statistisch significant: ze kunnen toeval "
                                     "zijn.",
                               "en": "None of the differences tested is statistically significant: they may be "
                                     "chance."},
    "concl_sure_some": {"nl": "Statistisch significant: {names}.", "en": "Statistically significant: {names}."},
    "n_interventions_counted": {"nl": "{k} interventies", "en": "{k} interventions"},
    "concl_which": {"nl": "De interventies die hier alleen geteld zijn, staan bij naam in de tabel ‘{table}’ en in "
                          "de rapporten per organisatie.",
                    "en": "The interventions only counted here are named in the table ‘{table}’ and in the "
                          "organisations' reports."},
    "concl_many_tests": {"nl": "Er is niet gecorrigeerd voor het aantal toetsen: bij {k} toetsen is het verwachte "
                               "aantal significante uitkomsten door toeval alleen hooguit {expected}, als geen "
                               "interventie iets veranderde.",
                         "en": "There is no correction for the number of tests: with {k} tests, the expected number "
                               "of significant results by chance alone is at most {expected}, if no intervention "
                               "changed anything."},
    "and": {"nl": "en", "en": "and"},
    # --- Terug in Balans ------------------------------------------------------------------------
    "tib_title": {"nl": "Terug in Balans – effectiviteit van het traject ({year})",
                  "en": "Terug in Balans – effectiveness of the programme ({year})"},
    "tib_intro": {"nl": "Onderzoek naar de effectiviteit van het traject Terug in Balans.",
                  "en": "Study of the effectiveness of the Terug in Balans programme."},
    "tib_intro_n": {"nl": "Aan het onderzoek namen {n} oud-deelnemers deel.",
                    "en": "{n} former participants took part in the study."},
    "tib_intro_source": {"nl": "Alle cijfers komen rechtstreeks uit het datawarehouse; de aandelen van terugkeer, "
                               "uitval en vaardigheden staan met hun {confidence}%-betrouwbaarheidsinterval (Wilson).",
                         "en": "Every figure comes straight from the data warehouse; the shares of return to work, "
                               "relapse and skills are given with their {confidence}% confidence interval (Wilson)."},
    "tib_intro_researcher": {"nl": "Onderzoekerseditie: bevat alle cijfers, ook van kleine groepen. Niet verspreiden.",
                             "en": "Researcher edition: every figure, small groups included. Do not distribute."},
    "tib_intro_stakeholder": {"nl": "Aandelen staan er alleen bij vragen die minstens {minimum} respondenten "
                                    "beantwoordden.",
                              "en": "Shares are shown only for questions at least {minimum} respondents answered."},
    "rtw_heading": {"nl": "Duurzaam herstel en terugkeer naar werk", "en": "Lasting recovery and return to work"},
    "pmg_trend_heading": {"nl": "Vergelijking met de vorige editie", "en": "Compared with the previous edition"},
    "pmg_trend_intro": {"nl": "Het gemiddelde cijfer van deze editie naast dat van de vorige editie van dezelfde "
                              "interventie bij dezelfde organisatie. Elke editie heeft (grotendeels) andere "
                              "deelnemers: een verschil is geen verandering bij dezelfde mensen, en kan toeval zijn.",
                        "en": "This edition's mean grade beside that of the previous edition of the same intervention "
                              "at the same organisation. Each edition has (mostly) other participants: a difference "
                              "is no change in the same people, and may be chance."},
    "pmg_trend_caption": {"nl": "Gemiddelden van {year} naast die van de vorige editie",
                          "en": "Means of {year} beside those of the previous edition"},
    "pmg_trend_previous": {"nl": "Vorige editie", "en": "Previous edition"},
    "pmg_trend_change": {"nl": "Verschil", "en": "Difference"},
    "pmg_trend_T0": {"nl": "Ervaren mentale gezondheid T0", "en": "Self-rated mental health T0"},
    "pmg_trend_T1": {"nl": "Ervaren mentale gezondheid T1", "en": "Self-rated mental health T1"},
    "pmg_trend_rating": {"nl": "Cijfer interventie", "en": "Intervention grade"},
    "pmg_trend_note": {"nl": "M = gemiddeld cijfer, N = aantal respondenten. Verschil: Nu min Toen, uit de onafgeronde "
                             "gemiddelden; – waar de schaal sinds de vorige editie veranderde.",
                       "en": "M = mean grade, N = respondents. Difference: Now minus Then, from the unrounded means; "
                             "– where the scale changed since the previous edition."},
    "pmg_trend_reworded": {"nl": "† De vraag is anders verwoord dan in de vorige editie: het verschil kan ook aan de "
                                 "vraag liggen.",
                           "en": "† The question is worded otherwise than in the previous edition: the difference "
                                 "may also be the question's."},
    "pmg_trend_hidden": {"nl": "Weggelaten: gemiddelden die deze of de vorige editie niet toont (minder dan {minimum} "
                               "respondenten, of eruit terug te rekenen) ({k}).",
                         "en": "Left out: means this or the previous edition does not show (fewer than {minimum} "
                               "respondents, or one could be worked back from them) ({k})."},
    "pmg_trend_paired_caption": {"nl": "Verandering bij dezelfde deelnemers in {year} naast die in de vorige editie",
                                 "en": "Change in the same participants in {year} beside that in the previous "
                                       "edition"},
    "pmg_trend_hl": {"nl": "HL={hl} (N={n})", "en": "HL={hl} (N={n})"},
    "pmg_trend_paired_note": {"nl": "HL = de Hodges-Lehmann-schatting van de verandering T1 − T0 bij wie beide keren "
                                    "een cijfer gaf, alle groepen samen; N = aantal paren. Verschil: Nu min Toen, "
                                    "beschrijvend en niet getoetst; – waar de schaal sinds de vorige editie "
                                    "veranderde.",
                              "en": "HL = the Hodges-Lehmann estimate of the change T1 − T0 in those who gave a "
                                    "grade both times, all groups together; N = pairs. Difference: Now minus Then, "
                                    "descriptive and not tested; – where the scale changed since the previous "
                                    "edition."},
    "pmg_trend_paired_hidden": {"nl": "Weggelaten: veranderingen die deze of de vorige editie niet toont (minder dan "
                                      "{minimum} paren, of eruit terug te rekenen) ({k}).",
                                "en": "Left out: changes this or the previous edition does not show (fewer than "
                                      "{minimum} pairs, or one could be worked back from them) ({k})."},
    "pmg_trend_all_hidden": {"nl": "Geen gemiddelde dat deze en de vorige editie allebei tonen.",
                             "en": "No mean that this and the previous edition both show."},
    "pmg_trend_in_organisation_reports": {"nl": "Per interventie staat de vergelijking met haar vorige editie in het "
                                                "rapport van haar organisatie.",
                                          "en": "Each intervention's comparison with its previous edition is in its "
                                                "organisation's report."},
    "trend_heading": {"nl": "Vergelijking met het vorige cohort", "en": "Compared with the previous cohort"},
    "trend_intro": {"nl": "Elk cohort bestaat uit andere deelnemers: een verschil met het vorige cohort is geen "
                          "verandering bij dezelfde mensen, en kan toeval zijn. Een uitkomst is dezelfde zolang haar "
                          "code in het codeboek dezelfde is, ook waar de vraag of het antwoord anders verwoord werd.",
                    "en": "Each cohort is other participants: a difference from the previous cohort is no change "
                          "in the same people, and may be chance. An outcome is the same as long as its code in the "
                          "codebook is, also where the question or the answer was worded otherwise."},
    "trend_caption": {"nl": "Aandelen van het cohort {year} naast die van het vorige cohort",
                      "en": "The shares of the {year} cohort beside those of the previous cohort"},
    "trend_outcome": {"nl": "Uitkomst", "en": "Outcome"},
    "trend_previous": {"nl": "Vorig cohort", "en": "Previous cohort"},
    "trend_then": {"nl": "Toen", "en": "Then"},
    "trend_now": {"nl": "Nu ({year})", "en": "Now ({year})"},
    "trend_change": {"nl": "Verschil (procentpunt)", "en": "Difference (percentage points)"},
    "trend_return_to_work": {"nl": "terugkeer naar werk", "en": "return to work"},
    "trend_relapse": {"nl": "opnieuw uitgevallen", "en": "dropped out again"},
    "trend_skills_strengthened": {"nl": "vaardigheid versterkt", "en": "skill strengthened"},
    "trend_skills_still_applied": {"nl": "vaardigheid nog toegepast", "en": "skill still applied"},
    "trend_flink_of_zeer": {"nl": "flink of zeer behulpzaam", "en": "quite or very helpful"},
    "trend_note": {"nl": "Toen en Nu: aandeel van wie de vraag beantwoordde (N); bij een factor van wie een "
                         "genummerd schaalpunt koos. Verschil: Nu min Toen, uit de onafgeronde aandelen.",
                   "en": "Then and Now: share of those who answered the question (N); of a factor, of those who "
                         "chose a numbered scale point. Difference: Now minus Then, from the unrounded shares."},
    "trend_hidden": {"nl": "Weggelaten: uitkomsten met minder dan {minimum} respondenten in een van beide cohorten "
                           "({k}).",
                     "en": "Left out: outcomes with fewer than {minimum} respondents in either cohort ({k})."},
    "trend_all_hidden": {"nl": "Geen uitkomst had in beide cohorten minstens {minimum} respondenten.",
                         "en": "No outcome had at least {minimum} respondents in both cohorts."},
    "shares_hidden": {"nl": "Aandelen niet getoond: groep kleiner dan {minimum} (N={n}).",
                      "en": "Shares not shown: group smaller than {minimum} (N={n})."},
    "rtw_sentence": {"nl": "Tijdens of na het traject is {returned}{interval} van de deelnemers teruggekeerd naar "
                           "werk: {own} bij de eigen werkgever en {other} bij een andere werkgever; {absent} bleef met "
                           "vergelijkbare klachten in verzuim.",
                     "en": "During or after the programme, {returned}{interval} of the participants returned to "
                           "work: {own} to their own employer and {other} to another employer; {absent} remained absent with "
                           "similar complaints."},
    "rtw_answer": {"nl": "{pct} antwoordde ‘{label}’.", "en": "{pct} answered ‘{label}’."},
    "relapse_sentence": {"nl": "Minimaal drie maanden na afronding van het traject is {pct} niet opnieuw uitgevallen "
                               "vanwege psychische klachten.",
                         "en": "At least three months after the programme ended, {pct} had not dropped out again "
                               "because of psychological complaints."},
    "relapse_returned": {"nl": "Van de {n_returned} deelnemers die terugkeerden naar werk, is {pct} ({n}; {interval}) "
                               "minimaal drie maanden na afronding van het traject niet opnieuw uitgevallen vanwege "
                               "psychische klachten.",
                         "en": "Of the {n_returned} participants who returned to work, {pct} ({n}; {interval}) had "
                               "not dropped out again because of psychological complaints at least three months "
                               "after the programme ended."},
    "relapse_counts_absent": {"nl": "Daarin tellen, zoals de factsheet rekent, ook de respondenten mee die niet "
                                    "terugkeerden naar werk.",
                              "en": "This counts, as the factsheet does, the respondents who did not return to work "
                                    "too."},
    "relapse_of_all": {"nl": "Over alle {m} respondenten, zoals de factsheet rekent, is dat {pct}; daarin tellen ook "
                             "de {k} mee die niet terugkeerden.",
                       "en": "Of all {m} respondents, as the factsheet counts, that is {pct}; this includes the {k} "
                             "who did not return."},
    "rtw_caption": {"nl": "Ben je tijdens of na het traject teruggekeerd naar werk?",
                    "en": "Did you return to work during or after the programme?"},
    "relapse_caption": {"nl": "Ben je sinds het afronden van het traject nog uitgevallen door psychische klachten?",
                        "en": "Have you dropped out because of psychological complaints since the programme ended?"},
    "answer": {"nl": "Antwoord", "en": "Answer"},
    "no_answers_to": {"nl": "Geen antwoorden op: {caption}", "en": "No answers to: {caption}"},
    "no_skill_answers": {"nl": "Geen antwoorden over vaardigheden.", "en": "No answers about skills."},
    "share": {"nl": "Aandeel", "en": "Share"},
    "ci95": {"nl": "{confidence}%-interval", "en": "{confidence}% interval"},
    "share_note": {"nl": "Aandeel van de respondenten (N={n}); {confidence}%-interval: "
                         "Wilson-betrouwbaarheidsinterval.",
                   "en": "Share of respondents (N={n}); {confidence}% interval: Wilson confidence interval."},
    "rtw_chart_caption": {"nl": "Terugkeer naar werk en opnieuw uitvallen, met {confidence}%-intervallen.",
                          "en": "Return to work and relapse, with {confidence}% intervals."},
    "alt_data_in": {"nl": "{alt}. De cijfers staan in {tables}.", "en": "{alt}. The figures are in {tables}."},
    "alt_data_in_compact": {"nl": "{alt}. De cijfers staan per interventie in de rapporten per organisatie; {tables} "
                                  "telt ze op.",
                            "en": "{alt}. The figures per intervention are in the reports per organisation; {tables} "
                                  "adds them up."},
    "mh_chart_alt_data": {"nl": "{alt}. De gemiddelden staan per interventie in de tabellen hierboven.",
                          "en": "{alt}. The means are given per intervention in the tables above."},
    "mh_chart_alt_data_compact": {"nl": "{alt}. De gemiddelden staan per interventie in de rapporten per organisatie.",
                                  "en": "{alt}. The means are given per intervention in the reports per "
                                        "organisation."},
    "rtw_chart_alt": {"nl": "Staafdiagram van terugkeer naar werk en opnieuw uitvallen",
                      "en": "Bar chart of return to work and relapse"},
    "skills_heading": {"nl": "Ontwikkeling van vaardigheden en duurzaam effect",
                       "en": "Skills developed and lasting effect"},
    "skills_sentence": {"nl": "Het meest versterkt door het traject werden {top}. Minimaal drie maanden na afloop past "
                              "{pct} van de deelnemers {skill} nog steeds toe.",
                        "en": "The skills most strengthened by the programme were {top}. At least three months "
                              "later {pct} of the participants still apply {skill}."},
    "skill": {"nl": "Vaardigheid", "en": "Skill"},
    "domain": {"nl": "Domein", "en": "Domain"},
    "strengthened_n": {"nl": "Versterkt N", "en": "Strengthened N"},
    "strengthened": {"nl": "Versterkt", "en": "Strengthened"},
    "applied_n": {"nl": "Nog toegepast N", "en": "Still applied N"},
    "applied": {"nl": "Nog toegepast", "en": "Still applied"},
    "skills_caption": {"nl": "Versterkte vaardigheden en drie maanden later nog toegepast (N={n})",
                       "en": "Skills strengthened and still applied three months later (N={n})"},
    "skills_note": {"nl": "Aandeel van alle respondenten; een niet-aangevinkte vaardigheid telt als niet versterkt. "
                          "Tussen haakjes het {confidence}%-interval (Wilson).",
                    "en": "Share of all respondents; a skill not ticked counts as not strengthened. In brackets the "
                          "{confidence}% interval (Wilson)."},
    "skills_chart_caption": {"nl": "Versterkte vaardigheden en vaardigheden die drie maanden na het traject nog worden "
                                   "toegepast.",
                             "en": "Skills strengthened, and skills still applied three months after the programme."},
    "skills_chart_alt": {"nl": "Gegroepeerd staafdiagram van versterkte en nog toegepaste vaardigheden",
                         "en": "Grouped bar chart of skills strengthened and still applied"},
    "mcnemar_caption": {"nl": "Per vaardigheid: versterkt tegen nog toegepast bij dezelfde respondenten (McNemar, exact)",
                        "en": "Per skill: strengthened against still applied by the same respondents (McNemar, exact)"},
    "both": {"nl": "Beide", "en": "Both"},
    "strengthened_only": {"nl": "Alleen versterkt", "en": "Strengthened only"},
    "applied_only": {"nl": "Alleen toegepast", "en": "Applied only"},
    "neither": {"nl": "Geen van beide", "en": "Neither"},
    "mcnemar_p": {"nl": "p (McNemar)", "en": "p (McNemar)"},
    "mcnemar_none": {"nl": "geen toets: niemand verschilt", "en": "no test: no one differs"},
    "mcnemar_many_tests": {"nl": "Er is niet gecorrigeerd voor het aantal toetsen: bij {k} toetsen die een verschil "
                                 "kunnen aantonen is het verwachte aantal significante uitkomsten door toeval alleen "
                                 "hooguit {expected}.",
                           "en": "There is no correction for the number of tests: with {k} tests that can show a "
                                 "difference, the expected number of significant results by chance alone is at most "
                                 "{expected}."},
    "mcnemar_note": {"nl": "De toets kijkt alleen naar wie verschilt: versterkt maar niet meer toegepast tegen "
                           "toegepast maar niet als versterkt genoemd.",
                     "en": "The test looks only at those who differ: strengthened but no longer applied against "
                           "applied but not named as strengthened."},
    "mcnemar_sentence_none": {"nl": "Bij geen enkele vaardigheid is het verschil tussen versterkt en nog toegepast "
                                    "statistisch significant (McNemar, exact).",
                              "en": "For no skill is the difference between strengthened and still applied "
                                    "statistically significant (McNemar, exact)."},
    "mcnemar_sentence_untestable": {"nl": "Per vaardigheid verschillen hooguit {k} respondenten tussen versterkt en nog "
                                          "toegepast; de toets (McNemar, exact) kan dan geen verschil aantonen, want "
                                          "p < {alpha} vraagt er minstens {needed}. De tabel is beschrijvend.",
                                    "en": "Per skill, at most {k} respondents differ between strengthened and still "
                                          "applied; the test (McNemar, exact) cannot then show a difference, as "
                                          "p < {alpha} takes at least {needed}. The table is descriptive."},
    "mcnemar_retained": {"nl": "Van de {n} die {skill} als versterkt noemden, passen {kept} het nog toe.",
                         "en": "Of the {n} who named {skill} as strengthened, {kept} still apply it."},
    "mcnemar_sentence_some": {"nl": "Statistisch significant verschil tussen versterkt en nog toegepast (McNemar, "
                                    "exact) bij: {skills}.",
                              "en": "Statistically significant difference between strengthened and still applied "
                                    "(McNemar, exact) for: {skills}."},
    "factors_heading": {"nl": "De belangrijkste factoren in de ervaren effectiviteit",
                        "en": "The most important factors in the perceived effectiveness"},
    "no_factor_ratings": {"nl": "Geen beoordelingen van de factoren.", "en": "No ratings of the factors."},
    "factors_sentence": {"nl": "Het vaakst als flink of zeer behulpzaam beoordeeld: {best}.",
                         "en": "Most often rated quite or very helpful: {best}."},
    "factor": {"nl": "Factor", "en": "Factor"},
    "top_two": {"nl": "Flink + zeer", "en": "Quite + very"},
    "factors_caption": {"nl": "Beoordeling van de factoren", "en": "Rating of the factors"},
    "factors_note": {"nl": "Aandeel van de respondenten per schaalpunt; gesorteerd op het aandeel in de twee hoogste "
                           "punten. Elk aandeel is afzonderlijk afgerond: een rij telt op tot 99 à 101%, en de twee "
                           "hoogste punten samen kunnen 1 punt van hun opgetelde afrondingen verschillen.",
                     "en": "Share of respondents per scale point; sorted by the share in the two highest points. Each "
                           "share is rounded on its own: a row adds up to 99 to 101%, and the two highest points "
                           "together may differ by 1 point from their rounded shares added up."},
    "factors_note_unscaled": {"nl": "Aandeel van de respondenten per antwoord; gesorteerd op ‘Flink + zeer’. Elk "
                                    "aandeel is afzonderlijk afgerond: een rij telt op tot 99 à 101%.",
                              "en": "Share of respondents per answer; sorted by ‘Quite + very’. Each share is rounded "
                                    "on its own: a row adds up to 99 to 101%."},
    "factors_unscaled_note": {"nl": "Geen punt van de schaal ({points}): telt mee in N en in de aandelen per "
                                    "antwoord, niet in ‘Flink + zeer’ (het aandeel van wie een punt van de schaal "
                                    "koos, zodat het van de twee hoogste punten samen kan verschillen), de mediaan "
                                    "en de figuur.",
                              "en": "Not a point of the scale ({points}): counted in N and in the shares per answer, "
                                    "not in ‘Quite + very’ (the share of those who chose a point of the scale, so it "
                                    "may differ from the two highest points added up), the median or the figure."},
    "summary_scaled_note": {"nl": "N: wie een punt van de schaal koos (wie {points} antwoordde niet meegeteld).",
                            "en": "N: those who chose a point of the scale (those who answered {points} not "
                                  "counted)."},
    "factors_chart_caption": {"nl": "Beoordeling van de factoren, van niet tot zeer behulpzaam, gecentreerd op "
                                    "‘Behulpzaam’: links minder, rechts meer behulpzaam.",
                              "en": "Rating of the factors, from not to very helpful, centred on the middle point: "
                                    "left less, right more helpful."},
    "factors_chart_alt": {"nl": "Divergerend gestapeld staafdiagram van de beoordeling per factor",
                          "en": "Diverging stacked bar chart of the rating per factor"},
    "summary_caption": {"nl": "Factoren gerangschikt op het aandeel flink of zeer behulpzaam, met de mediaan",
                        "en": "Factors ranked by the share rating them quite or very helpful, with the median"},
    "rank": {"nl": "Rang", "en": "Rank"},
    "median": {"nl": "Mediaan ({lo} – {hi})", "en": "Median ({lo} – {hi})"},
    "median_between_note": {"nl": "Een mediaan tussen twee schaalpunten (zoals {example}) is het midden van de twee "
                                  "middelste antwoorden: de helft antwoordde het lagere punt of lager, de helft het "
                                  "hogere of hoger.",
                            "en": "A median between two scale points (such as {example}) is the midpoint of the two middle "
                                  "answers: half answered the lower point or below, half the higher or above."},
    "question": {"nl": "Vraag", "en": "Question"},
    "return_to_work": {"nl": "Terugkeer naar werk", "en": "Return to work"},
    "relapse": {"nl": "Opnieuw uitgevallen", "en": "Relapse"},
    "skills_strengthened": {"nl": "Vaardigheid versterkt", "en": "Skill strengthened"},
    "skills_still_applied": {"nl": "Vaardigheid nog toegepast", "en": "Skill still applied"},
    # --- charts ---------------------------------------------------------------------------------
    "wave_T0": {"nl": "T0 (vóór)", "en": "T0 (before)"},
    "wave_T1": {"nl": "T1 (na)", "en": "T1 (after)"},
    "mh_axis": {"nl": "Gemiddeld cijfer ervaren mentale gezondheid ({scale})",
                "en": "Mean self-rated mental health ({scale})"},
    "mh_title": {"nl": "Ervaren mentale gezondheid vóór en na de interventie",
                 "en": "Self-rated mental health before and after the intervention"},
    "share_axis": {"nl": "Aandeel van de respondenten (N={n})", "en": "Share of respondents (N={n})"},
    "skills_series_strengthened": {"nl": "Versterkt door het traject", "en": "Strengthened by the programme"},
    "skills_series_applied": {"nl": "Drie maanden later nog toegepast", "en": "Still applied three months later"},
    "skills_title": {"nl": "Welke vaardigheden zijn versterkt, en worden nog toegepast?",
                     "en": "Which skills were strengthened, and are still applied?"},
    "factors_title": {"nl": "De belangrijkste factoren in de ervaren effectiviteit",
                      "en": "The most important factors in the perceived effectiveness"},
    "factors_axis": {"nl": "Aandeel van de respondenten (N={n})\n← minder behulpzaam          meer behulpzaam →",
                     "en": "Share of respondents (N={n})\n← less helpful          more helpful →"},
    "rtw_title": {"nl": "Teruggekeerd naar werk tijdens of na het traject?",
                  "en": "Returned to work during or after the programme?"},
    "relapse_title": {"nl": "Sindsdien opnieuw uitgevallen?", "en": "Dropped out again since?"},
    "ci_legend": {"nl": "lijn = {confidence}%-interval (Wilson)", "en": "line = {confidence}% interval (Wilson)"},
}


def _method(lang: str) -> dict[str, str]:
    """What the texts say of the method, from the constants the statistics use: a change there
    cannot leave a report describing the old method."""
    return {"alpha": fmt_trimmed(ALPHA, 3, lang), "confidence": fmt_trimmed(100 * CONFIDENCE, 1, lang),
            "min_grades": str(SMALL_N_MINIMUM)}


_METHOD = {lang: _method(lang) for lang in LANGUAGES}


class _Later(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def text(lang: str, key: str, **values) -> str:
    """The text `key` in `lang` (Dutch when missing), with `values` and the method's alpha,
    confidence and min_grades filled in; without `values`, other fields are left for the caller."""
    entry = TEXTS[key]
    template = entry.get(lang) or entry["nl"]
    if "{" not in template:
        return template
    method = _METHOD.get(lang, _METHOD["nl"])
    return template.format_map({**method, **values}) if values else template.format_map(_Later(method))


def texts_for(lang: str) -> Callable[..., str]:
    """A translator bound to one language: t("key", name=value)."""
    return lambda key, **values: text(lang, key, **values)


def join_list(items: list[str], lang: str) -> str:
    """"a", "a en b", "a, b en c" (English: "a, b and c")."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {text(lang, 'and')} " + items[-1]


# Words Dutch and English write with a capital inside a sentence too: languages, peoples and places
# and what is made of them (Engelstalige versie, Nederlandse taal, English-language version).
PROPER_PREFIXES = ("Nederland", "Engels", "English", "Dutch", "Duits", "German", "Frans", "French", "Europ", "Gronin",
                   "Fries", "Spaans", "Spanish", "Pools", "Polish", "Turk", "Arab", "Marokka", "Morocc", "Surina")


@functools.lru_cache(maxsize=4096)  # a year's organisation reports name a few hundred themes some 800,000 times
def in_sentence(label: str) -> str:
    """A codebook's label or theme inside a sentence: "4 deelnemers noemden inhoud van het werk".
    The first letter goes to lower case, unless the first word has another capital (SPAT, ICT-taken,
    WhatsApp-groep), is a language's or people's (Engelstalige versie), or the second word is
    capitalised as a name is (Microsoft Teams; but "werken met Microsoft Teams"). "Eén" is "één"."""
    first = label.split(" ", 1)[0]
    if any(c.isupper() for c in first[1:]) or first.startswith(PROPER_PREFIXES) or any(
            w[:1].isupper() and w[1:].islower() for w in label.split()[1:2]):
        return label
    if label.startswith("Eén"):  # Dutch writes the accent on the capital E alone
        return "één" + label[3:]
    return label[:1].lower() + label[1:]
