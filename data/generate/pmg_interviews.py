"""Synthetic MAXQDA 'Export coded segments' workbook for the PMG 2022-2023 focus interviews.

Reconstructs the coding behind section 3.1 ("Kwalitatieve resultaten") of the report
"Platform Mentale Gezondheid 2022-2023": one MAXQDA document per focus interview
(group x wave, 11 documents), each transcript paragraph starting with the speaker code
("RUG-EN-02: ...") as MAXQDA marks speakers in focus-group transcripts. The number of
distinct speakers per (intervention, wave, theme) reproduces the participant counts the
report gives ("vijf deelnemers", "(N=3)", "alle deelnemers (N=7)"; see
tests/expected/pmg_2023_theme_mentions.csv). The code paths are described in
data/pmg/2023/codebook_interviews.yaml.

Quotes are taken from the report where it gives them; the rest are short paraphrases of the
report text. Everything is synthetic: the speaker codes are invented (the same codes, and the
same self-rated grades, as in data/generate/pmg_questionnaire.py), and the one e-mail address
and phone number (to exercise masking) are fake.

Run from the repository root:  .venv/bin/python data/generate/pmg_interviews.py
The output is deterministic (fixed seed, fixed timestamps).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import xlsxwriter

OUT = Path(__file__).resolve().parents[1] / "pmg" / "2023" / "pmg_focusinterviews_maxqda.xlsx"
SEED = 20230512
CODER = "MB"

# --- code path prefixes (MAXQDA writes the code system path with backslashes) -----------------
WH = "Diagnose\\Werk gerelateerde hulpbronnen\\"
WS = "Diagnose\\Werk gerelateerde stressfactoren\\"
PH = "Diagnose\\Persoonlijke hulpbronnen\\"
PS = "Diagnose\\Persoonlijke stressfactoren\\"
IM = "Diagnose\\Impact mentale gezondheid\\"
IV = "Interventieverwachtingen\\"
VE = "Verandering\\"
EV = "Evaluatie\\"
AD = "Advies\\"

# MAXQDA code colours, one per branch of the code system.
COLOURS = {
    WH: "#00b050", WS: "#ff0000", PH: "#92d050", PS: "#ff6600", IM: "#7030a0",
    IV: "#0070c0", VE: "#00b0f0", EV: "#ffc000", AD: "#808080",
}

# --- documents, in MAXQDA document-system order: (document group, document name, coding date) ---
DOCUMENTS = [
    ("Gemeente Groningen", "T0 Teamcoaching hybride werken", "2022-12-06"),
    ("Gemeente Groningen", "T1 Teamcoaching hybride werken", "2023-04-11"),
    ("RUG", "T0 Training Emoties Engelstalig", "2022-12-07"),
    ("RUG", "T0 Training Emoties Nederlandstalig", "2022-12-08"),
    ("RUG", "T1 Training Emoties Engelstalig", "2023-04-12"),
    ("RUG", "T1 Training Emoties Nederlandstalig", "2023-04-13"),
    ("UMCG", "T0 Cold shower challenge 1", "2022-12-13"),
    ("UMCG", "T0 Cold shower challenge 2", "2022-12-14"),
    ("UMCG", "T0 Cold shower challenge 3", "2022-12-15"),
    ("UMCG", "T0 Positieve Gezondheid", "2022-12-16"),
    ("UMCG", "T1 Cold shower challenge 1", "2023-04-18"),
    ("UMCG", "T1 Cold shower challenge 3", "2023-04-19"),
]
# Cold shower challenge 2 and Positieve Gezondheid have no T1 interview: 12 documents.

GG0, GG1 = "T0 Teamcoaching hybride werken", "T1 Teamcoaching hybride werken"
EN0, EN1 = "T0 Training Emoties Engelstalig", "T1 Training Emoties Engelstalig"
NL0, NL1 = "T0 Training Emoties Nederlandstalig", "T1 Training Emoties Nederlandstalig"
CS1_0, CS1_1 = "T0 Cold shower challenge 1", "T1 Cold shower challenge 1"
CS2_0 = "T0 Cold shower challenge 2"
CS3_0, CS3_1 = "T0 Cold shower challenge 3", "T1 Cold shower challenge 3"
PG0 = "T0 Positieve Gezondheid"

# --- coded segments, in transcript order per document: (document, speaker, code, text) ------------
SEGMENTS = [
    # ===== Gemeente Groningen - Teamcoaching hybride werken, T0 (GG-TC-01, GG-TC-02) =====
    (GG0, "GG-TC-01", IM + "Ervaren mentale gezondheid", "Ik geef mezelf een 8. Het is heel fijn dat ik mijn eigen planning van de werkdag kan maken, en er is altijd wel iemand bereikbaar die met je meedenkt als dat nodig is."),
    (GG0, "GG-TC-02", IM + "Ervaren mentale gezondheid", "Voor mij is het een 6. Ik ben nog zoekende naar de balans in mijn nieuwe functie, dat kost nu nog veel."),
    (GG0, "GG-TC-02", WS + "Inefficiënt online werken", "Het online werken vind ik zo inefficiënt dat het me energie kost. IT-problemen, de verstikkende AVG, eindeloze Excellijstjes en vergaderingen die ook gewoon een e-mail hadden kunnen zijn."),
    (GG0, "GG-TC-01", WH + "Vrijheid in het werken", "Ik heb veel vrijheid, ik kan mijn werkzaamheden zelf indelen en het op mijn eigen manier invullen."),
    (GG0, "GG-TC-02", WH + "Vrijheid in het werken", "Die vrijheid heb ik ook. En er is ruimte om naast je functie nog andere taken op te pakken, dat vind ik prettig."),
    (GG0, "GG-TC-01", WH + "Hulp van collega's", "Als ik vastloop in een casus kan ik altijd even sparren met een collega. Die hulp is echt een hulpbron voor mij."),
    (GG0, "GG-TC-01", WH + "Inhoud van het werk", "Het werk zelf geeft me energie. Mensen begeleiden naar een baan blijft mooi om te doen."),
    (GG0, "GG-TC-02", WH + "Inhoud van het werk", "Ja, de inhoud van het werk is voor mij ook de belangrijkste reden dat ik het leuk vind."),
    (GG0, "GG-TC-02", WS + "Concentreren in de kantoortuin", "In de kantoortuin kan ik me slecht concentreren. Het is gezellig en je kunt collega's aanspreken, maar om echt te focussen kun je beter thuiswerken."),
    (GG0, "GG-TC-01", WS + "Concentreren in de kantoortuin", "Dat herken ik. Alleen, als je veel thuiswerkt ben je weer minder aangehaakt bij het team."),
    (GG0, "GG-TC-01", WS + "Veelheid aan administratie", "De administratie is enorm, voor elke klant moet je zoveel vastleggen."),
    (GG0, "GG-TC-02", WS + "Veelheid aan administratie", "Die administratie vreet tijd, ja. Daar gaat een groot deel van mijn week in zitten."),
    (GG0, "GG-TC-02", WS + "Vinden van de juiste informatie", "En dan het vinden van de juiste informatie, je zoekt je soms een ongeluk in al die systemen."),
    (GG0, "GG-TC-01", WS + "Vinden van de juiste informatie", "Klopt, ik moet ook vaak rondvragen waar iets staat of wie iets weet."),
    (GG0, "GG-TC-01", WS + "Hoge werkdruk", "De caseload is gewoon te hoog, dat geeft werkdruk."),
    (GG0, "GG-TC-02", WS + "Hoge werkdruk", "Met zoveel klanten op je caseload kom je nooit echt aan alles toe."),
    (GG0, "GG-TC-01", IV + "Openheid in het team", "Ik zie de teamdag als een kans om meer openheid in het team te creëren."),
    (GG0, "GG-TC-02", IV + "Openheid in het team", "Ik hoop ook dat we eerlijker tegen elkaar kunnen zijn over hoe we willen werken."),
    (GG0, "GG-TC-02", IV + "Gezamenlijke werkwijze hybride werken", "Het zou mooi zijn als we een werkwijze vinden waar iedereen achter kan staan, maar die wel ruimte laat voor je eigen vrijheid."),
    (GG0, "GG-TC-01", IV + "Gezamenlijke werkwijze hybride werken", "Ja, een nieuwe manier van werken die voor het hele team werkt."),
    (GG0, "GG-TC-01", IV + "Tweedeling in het team", "Wel of niet op kantoor zijn zorgt nu echt voor een tweedeling. Je hebt een groep die op kantoor wil zijn en een groep die meer hybride wil werken."),
    (GG0, "GG-TC-02", IV + "Tweedeling in het team", "Ik hoor bij de groep met een wat frissere blik, ik wil graag meer hybride werken. Dat botst soms met de anderen."),
    (GG0, "GG-TC-01", IV + "Afspraken over samenwerken", "Ik verwacht dat we afspraken kunnen maken over hoe we informatie efficiënt delen en hoe we online en fysiek goed samenwerken."),

    # ===== Gemeente Groningen - Teamcoaching hybride werken, T1 =====
    (GG1, "GG-TC-01", VE + "Ervaren mentale gezondheid", "Ik geef mezelf nu een 6, lager dan de vorige keer. Die teamdag heeft er echt ingehakt."),
    (GG1, "GG-TC-02", VE + "Ervaren mentale gezondheid", "Ik zat op punt nul. Als ik nu een cijfer moet geven, dan is het een nul."),
    (GG1, "GG-TC-01", VE + "Onrust in het team", "De teamdag heeft veel onrust in het team gegeven. De teamleider heeft het tijdens de dag wel opgepakt."),
    (GG1, "GG-TC-02", VE + "Onrust in het team", "Het pijnpunt tussen de mensen die op kantoor willen werken en de mensen die hybride willen werken kwam helemaal bloot te liggen. De emoties liepen hoog op."),
    (GG1, "GG-TC-02", VE + "Teamdag als heftige ervaring", "Voor mij was het een heftige ervaring. Ik was er na afloop helemaal klaar mee."),
    (GG1, "GG-TC-01", VE + "Nagesprekken met collega's", "Ik heb nog dagen na de teamdag met collega's gepraat om het een plekje te kunnen geven."),
    (GG1, "GG-TC-01", EV + "Negatieve ervaring met de training", "Ik geef de training een 1. Ik heb het echt als negatief ervaren."),
    (GG1, "GG-TC-02", EV + "Negatieve ervaring met de training", "Voor mij ook een 1. Het heeft eerder kwaad gedaan dan goed."),
    (GG1, "GG-TC-01", EV + "Communicatie over doel training", "Het doel van de training had veel beter gecommuniceerd moeten worden, vooraf en tijdens de dag. De verwachting van de teamdag was anders dan wat er gecommuniceerd was."),
    (GG1, "GG-TC-02", EV + "Vragenlijst vooraf", "De vragenlijst had ik niet op tijd ontvangen, dus die moest ik daar nog invullen. En het ging over drijfveren, niet over hybride werken. Daar had ik meer uitleg over willen hebben."),
    (GG1, "GG-TC-02", EV + "Inhoud sloot niet aan op hybride werken", "De inhoud sloot gewoon niet aan op hybride werken, terwijl dat het thema van de dag was."),
    (GG1, "GG-TC-01", EV + "Groepsdynamiek onvoldoende aangevoeld", "De trainers hebben de groepsdynamiek niet goed aangevoeld."),
    (GG1, "GG-TC-02", EV + "Groepsdynamiek onvoldoende aangevoeld", "Ze maakten veel aannames en wij probeerden als groep steeds te corrigeren."),
    (GG1, "GG-TC-01", EV + "Match trainers en groep", "Het waren gewoon niet de goede trainers voor onze groep."),
    (GG1, "GG-TC-02", EV + "Match trainers en groep", "Nee, dat was geen goede match."),
    (GG1, "GG-TC-01", EV + "Afspraken over hybride werken", "Uiteindelijk hebben we op een flip-over nog wel afspraken over hybride werken gemaakt, maar de inzichten die ik verwachtte heb ik niet gekregen."),
    (GG1, "GG-TC-02", AD + "Interventie vooraf afstemmen met het team", "Ik vind dat mensen zelf heel goed kunnen zeggen waar ze behoefte aan hebben."),
    (GG1, "GG-TC-01", AD + "Interventie vooraf afstemmen met het team", "Stem zo'n interventie van tevoren beter af met het team zelf."),

    # ===== RUG - Training Emoties, T0 Engelstalig (RUG-EN-01..04) =====
    (EN0, "RUG-EN-01", IM + "Ervaren mentale gezondheid", "I would give myself a 9. I can talk about my emotions quite well, but there is always room for improvement."),
    (EN0, "RUG-EN-02", IM + "Ervaren mentale gezondheid", "For me it's a 7. In general I would say I'm healthy."),
    (EN0, "RUG-EN-02", WS + "Stressvol werk", "But my job is stressful and it doesn't give me energy anymore."),
    (EN0, "RUG-EN-03", IM + "Ervaren mentale gezondheid", "I'd say a 7.5. Overall I feel quite healthy."),
    (EN0, "RUG-EN-04", IM + "Ervaren mentale gezondheid", "I have to be honest, it's a 4 at the moment."),
    (EN0, "RUG-EN-04", PS + "Depressie", "I've been dealing with a depression for a while now, that is the main reason for the low grade."),
    (EN0, "RUG-EN-01", WH + "Goede samenwerking met collega's", "Working together with my colleagues is what gives me energy, we have a really good team."),
    (EN0, "RUG-EN-03", WH + "Goede samenwerking met collega's", "Same for me, the collaboration with colleagues is the best part of the job."),
    (EN0, "RUG-EN-01", WH + "Contact met studenten", "I really enjoy the contact with students."),
    (EN0, "RUG-EN-02", WH + "Contact met studenten", "Students give me energy, especially when you see something click for them."),
    (EN0, "RUG-EN-03", WH + "Contact met studenten", "In my job I talk to a lot of exchange students and I love that contact."),
    (EN0, "RUG-EN-02", WH + "Inhoud van het werk", "The content of my research is still what I like most about my work."),
    (EN0, "RUG-EN-03", WH + "Waardering en erkenning", "Appreciation from students and from my manager means a lot to me."),
    (EN0, "RUG-EN-04", WH + "Steun van leidinggevende", "My supervisor is very supportive, that really helps."),
    (EN0, "RUG-EN-01", WH + "Geven van colleges", "Giving lectures is a real energiser for me."),
    (EN0, "RUG-EN-02", WH + "Geven van colleges", "I agree, teaching a good lecture gives me a boost."),
    (EN0, "RUG-EN-04", WH + "Zaken uitzoeken", "I like figuring things out, digging into a problem until I understand it."),
    (EN0, "RUG-EN-01", WS + "Beoordeling tenure track", "The tenure track assessment is too focused on output. With all the competition you can't always get into the top journals."),
    (EN0, "RUG-EN-02", WS + "Beoordeling tenure track", "And time for good teaching or good supervision of PhDs is important too, but it hardly counts. There should be more balance."),
    (EN0, "RUG-EN-04", WS + "Hoge verwachtingen van zichzelf", "I have very high expectations of myself, that is a big source of stress."),
    (EN0, "RUG-EN-03", WS + "Gebrek aan werkdruk", "For me it's the opposite, I sometimes miss work pressure and then I go looking for work that gives me some stress."),
    (EN0, "RUG-EN-02", WS + "Hoge werkdruk", "Too much work pressure. You have to make choices all the time and it gives me a rushed feeling."),
    (EN0, "RUG-EN-02", WS + "Gemis aan contact met collega's", "Since the pandemic everybody works more hybrid. I find myself increasingly eating lunch at my desk on my own."),
    (EN0, "RUG-EN-01", WS + "Feedback geven aan studenten", "Giving feedback to students is something I find stressful."),
    (EN0, "RUG-EN-03", WS + "Angst om fouten te maken", "I'm afraid of making mistakes, that causes stress for me."),
    (EN0, "RUG-EN-04", WS + "Stroeve samenwerking", "The collaboration in one of my projects is quite difficult, that costs a lot of energy."),
    (EN0, "RUG-EN-01", PH + "Familie", "My family is my most important source of energy."),
    (EN0, "RUG-EN-03", PH + "Sport", "Sports. I play hockey twice a week, that keeps me going."),
    (EN0, "RUG-EN-02", PH + "Joggen", "I go jogging, that clears my head."),
    (EN0, "RUG-EN-04", PH + "Vrienden", "Meeting friends helps me a lot."),
    (EN0, "RUG-EN-04", IM + "Minder nauwkeurig functioneren", "When I don't feel well it's much harder to work accurately. I can't concentrate, it costs more energy and I start procrastinating."),
    (EN0, "RUG-EN-01", IV + "Aanmelding via e-mail van Balans", "I signed up after the e-mail from Balans."),
    (EN0, "RUG-EN-02", IV + "Aanmelding via e-mail van Balans", "Same here, I saw the e-mail from Balans and thought: why not."),
    (EN0, "RUG-EN-03", IV + "Aanmelding via e-mail van Balans", "The Balans e-mail, yes. It was a clear description."),
    (EN0, "RUG-EN-04", IV + "Aanmelding via e-mail van Balans", "I also read about it in the e-mail from Balans."),
    (EN0, "RUG-EN-01", IV + "Training in het Engels", "It's great that it was offered in English, otherwise I couldn't have joined."),
    (EN0, "RUG-EN-02", IV + "Training in het Engels", "Talking about emotions in Dutch would be hard for me, so English is really nice."),
    (EN0, "RUG-EN-03", IV + "Training in het Engels", "I appreciate the English version a lot."),
    (EN0, "RUG-EN-04", IV + "Training in het Engels", "Yes, the fact that it is in English made it possible for me."),
    (EN0, "RUG-EN-03", IV + "Samen oefeningen doen", "It's nice to not feel as if you are alone with stuff and that other people might also be feeling similar to the way you are feeling."),
    (EN0, "RUG-EN-01", IV + "Samen oefeningen doen", "Doing the exercises together with other people appealed to me."),
    (EN0, "RUG-EN-02", IV + "Samen oefeningen doen", "I like the idea of practising in a group."),
    (EN0, "RUG-EN-04", IV + "Samen oefeningen doen", "Doing it together with others makes it easier for me."),
    (EN0, "RUG-EN-01", IV + "Handvatten om met emoties om te gaan", "I hope to get tools to get a better grip on my emotions."),
    (EN0, "RUG-EN-02", IV + "Handvatten om met emoties om te gaan", "I want to recognise my emotions earlier and learn different ways to deal with them."),
    (EN0, "RUG-EN-03", IV + "Handvatten om met emoties om te gaan", "Practical tools, that's what I expect."),
    (EN0, "RUG-EN-04", IV + "Handvatten om met emoties om te gaan", "Something I can hold on to when things get difficult."),
    (EN0, "RUG-EN-01", IV + "Meer kennis en vaardigheden", "And to learn more about emotions in general, the theory behind them."),
    (EN0, "RUG-EN-02", IV + "Meer kennis en vaardigheden", "I hope to gain knowledge and skills."),
    (EN0, "RUG-EN-03", IV + "Meer kennis en vaardigheden", "Yes, to understand what is happening and why."),
    (EN0, "RUG-EN-04", IV + "Meer kennis en vaardigheden", "I want to learn skills I can keep using."),
    (EN0, "RUG-EN-02", IV + "Verbetering mentale gezondheid", "If I can deal with emotions in a more stable way, my mental health will improve. Mental health is a bit of emotions."),
    (EN0, "RUG-EN-01", IV + "Training in de werkcontext", "It's an advantage that it's offered at work."),
    (EN0, "RUG-EN-02", IV + "Training in de werkcontext", "Having it in the work context lowers the threshold."),
    (EN0, "RUG-EN-03", IV + "Training in de werkcontext", "Yes, and it's during working hours, that helps."),
    (EN0, "RUG-EN-04", IV + "Training in de werkcontext", "It's good that the university offers this to employees."),

    # ===== RUG - Training Emoties, T0 Nederlandstalig (RUG-NL-01..04) =====
    (NL0, "RUG-NL-01", IM + "Ervaren mentale gezondheid", "Ik geef mezelf een 7. Over het algemeen ben ik gezond en ik heb een gezonde werk-privébalans."),
    (NL0, "RUG-NL-01", PS + "Negatieve emoties", "Toch ervaar ik twee à drie keer per week negatieve emoties, zoals frustratie, teleurstelling en boosheid. Dat komt vooral uit mijn privéleven."),
    (NL0, "RUG-NL-02", IM + "Ervaren mentale gezondheid", "Bij mij is het een 6."),
    (NL0, "RUG-NL-02", PS + "Piekeren", "Ik pieker veel. Daarnaast lig ik soms wakker van kleine dingen die gezegd of (niet) gebeurd zijn en dat is denk ik onnodig maar vind ik moeilijk los te laten."),
    (NL0, "RUG-NL-02", PS + "Overeten", "En het overeten krijg ik niet goed aangepakt, dat zit me ook dwars."),
    (NL0, "RUG-NL-03", IM + "Ervaren mentale gezondheid", "Ik zou zeggen een 6,5."),
    (NL0, "RUG-NL-03", PS + "Privéomstandigheden en gezondheid", "Door privéomstandigheden en mijn eigen gezondheidsproblemen lukt het werk minder goed. Ik voel me gestrest en onzeker. De balans vragen/geven t.o.v. collega's en het team is niet zoals ik die zou willen. Daar voel ik me soms schuldig over."),
    (NL0, "RUG-NL-04", IM + "Ervaren mentale gezondheid", "Eerlijk gezegd een 4,5, dus een onvoldoende."),
    (NL0, "RUG-NL-04", PS + "Angst", "Ik heb last van angst."),
    (NL0, "RUG-NL-04", PS + "Laag zelfvertrouwen", "Mijn zelfvertrouwen is laag, ik twijfel continu aan mezelf."),
    (NL0, "RUG-NL-04", PS + "Zorgen over geld, toekomst en huisvesting", "En ik maak me zorgen over geld, over de toekomst en over huisvesting."),
    (NL0, "RUG-NL-01", WH + "Goede samenwerking met collega's", "De samenwerking met mijn collega's is echt een energiegever."),
    (NL0, "RUG-NL-02", WH + "Goede samenwerking met collega's", "Bij ons in het team werken we heel prettig samen, dat geeft energie."),
    (NL0, "RUG-NL-03", WH + "Goede samenwerking met collega's", "Goede collega's met wie je samen iets neerzet, daar haal ik veel uit."),
    (NL0, "RUG-NL-02", WH + "Inhoud van het werk", "Ik vind het werk zelf leuk, het maken van teksten voor de website."),
    (NL0, "RUG-NL-04", WH + "Inhoud van het werk", "De inhoud van mijn onderzoek geeft me voldoening."),
    (NL0, "RUG-NL-01", WH + "Waardering en erkenning", "Waardering van collega's en van mijn leidinggevende, dat doet me goed."),
    (NL0, "RUG-NL-03", WH + "Waardering en erkenning", "Erkenning vanuit het team en van studenten vind ik belangrijk."),
    (NL0, "RUG-NL-03", WH + "Steun van leidinggevende", "Mijn leidinggevende staat achter me, die steun helpt enorm."),
    (NL0, "RUG-NL-01", WH + "Autonomie", "Ik heb voldoende autonomie in mijn werk, dat vind ik belangrijk."),
    (NL0, "RUG-NL-02", WH + "Schrijven", "Schrijven, daar word ik blij van."),
    (NL0, "RUG-NL-04", WS + "Hoge verwachtingen van zichzelf", "Ik heb hoge verwachtingen van mezelf, dat geeft veel druk."),
    (NL0, "RUG-NL-03", WS + "Hoge werkdruk", "Bij mij is het juist te veel werkdruk. Dan moet je keuzes maken en heb je continu een haastig gevoel."),
    (NL0, "RUG-NL-02", WS + "Gemis aan contact met collega's", "Ik mis het contact met collega's. Sinds corona werkt iedereen hybride en zie je elkaar veel minder."),
    (NL0, "RUG-NL-03", WS + "Bureaucratie", "De bureaucratie, alle regels en formulieren, dat geeft mij stress."),
    (NL0, "RUG-NL-04", WS + "Onzekere planning in de wetenschap", "In de wetenschap kun je niet alles vooruit plannen, het verloopt soms onzeker. Je moet dealen met dat wat er gebeurt."),
    (NL0, "RUG-NL-01", PH + "Familie", "Mijn familie, daar haal ik mijn energie uit."),
    (NL0, "RUG-NL-03", PH + "Sport", "Sporten. Ik ga drie keer per week naar de sportschool."),
    (NL0, "RUG-NL-02", PH + "Wandelen", "Wandelen, even naar buiten en mijn hoofd leegmaken."),
    (NL0, "RUG-NL-04", PH + "Hobby's", "Mijn hobby's, ik schilder graag."),
    (NL0, "RUG-NL-03", IM + "Minder nauwkeurig functioneren", "Als ik minder lekker in mijn vel zit, kost het veel meer moeite om nauwkeurig te werken. Ik kan me dan minder goed concentreren en ik ga dingen uitstellen."),
    (NL0, "RUG-NL-01", IV + "Aanmelding via e-mail van Balans", "Ik heb me aangemeld naar aanleiding van de e-mail van Balans."),
    (NL0, "RUG-NL-02", IV + "Aanmelding via e-mail van Balans", "Ik ook, via de mail van Balans."),
    (NL0, "RUG-NL-03", IV + "Aanmelding via e-mail van Balans", "De e-mail van Balans sprak me meteen aan."),
    (NL0, "RUG-NL-04", IV + "Aanmelding via e-mail van Balans", "Ik zag het in de e-mail van Balans en heb me direct ingeschreven."),
    (NL0, "RUG-NL-01", IV + "Lunchlezing", "Ik ben ook naar de lunchlezing over emoties geweest, die voor de start van de training werd gegeven."),
    (NL0, "RUG-NL-01", IV + "Samen oefeningen doen", "Dat je samen met anderen oefeningen doet, sprak me aan in die e-mail."),
    (NL0, "RUG-NL-02", IV + "Samen oefeningen doen", "Het samen doen vind ik fijn, dan sta je er niet alleen voor."),
    (NL0, "RUG-NL-03", IV + "Samen oefeningen doen", "Ik leer veel van de ervaringen van anderen."),
    (NL0, "RUG-NL-04", IV + "Samen oefeningen doen", "Samen oefenen maakt het minder eng."),
    (NL0, "RUG-NL-01", IV + "Handvatten om met emoties om te gaan", "Ik verwacht handvatten om meer grip op mijn emoties te krijgen."),
    (NL0, "RUG-NL-02", IV + "Handvatten om met emoties om te gaan", "Dat ik mijn emoties leer herkennen en er op verschillende manieren mee om kan gaan."),
    (NL0, "RUG-NL-03", IV + "Handvatten om met emoties om te gaan", "Handvatten, zodat ik beter met de stress kan omgaan."),
    (NL0, "RUG-NL-04", IV + "Handvatten om met emoties om te gaan", "Iets concreets waarmee ik mijn angst beter kan hanteren."),
    (NL0, "RUG-NL-01", IV + "Meer kennis en vaardigheden", "En ik hoop meer kennis op te doen over emoties."),
    (NL0, "RUG-NL-02", IV + "Meer kennis en vaardigheden", "Meer vaardigheden, dat hoop ik."),
    (NL0, "RUG-NL-03", IV + "Meer kennis en vaardigheden", "Begrijpen waar emoties vandaan komen, die kennis wil ik graag."),
    (NL0, "RUG-NL-04", IV + "Meer kennis en vaardigheden", "Kennis en vaardigheden om veerkrachtiger te worden."),
    (NL0, "RUG-NL-01", IV + "Training in de werkcontext", "Het is een voordeel dat het via het werk wordt aangeboden."),
    (NL0, "RUG-NL-02", IV + "Training in de werkcontext", "Dat het in de werkcontext gebeurt maakt het laagdrempelig."),
    (NL0, "RUG-NL-03", IV + "Training in de werkcontext", "Ja, en je kunt het onder werktijd doen."),
    (NL0, "RUG-NL-04", IV + "Training in de werkcontext", "Fijn dat de werkgever hier ruimte voor geeft."),

    # ===== RUG - Training Emoties, T1 Engelstalig (RUG-EN-01..04) =====
    (EN1, "RUG-EN-01", VE + "Ervaren mentale gezondheid", "Still a 9 for me."),
    (EN1, "RUG-EN-02", VE + "Ervaren mentale gezondheid", "I'd say an 8 now. Stress and workload remain a point of attention, though."),
    (EN1, "RUG-EN-03", VE + "Ervaren mentale gezondheid", "Still a 7.5, about the same as before the training."),
    (EN1, "RUG-EN-04", VE + "Ervaren mentale gezondheid", "A 6.5. That's a lot better than last time."),
    (EN1, "RUG-EN-01", VE + "Anders omgaan met stress en werkdruk", "The stress is still there, but I deal with it differently now."),
    (EN1, "RUG-EN-02", VE + "Anders omgaan met stress en werkdruk", "I handle the workload in a different way, I notice the stress earlier."),
    (EN1, "RUG-EN-03", VE + "Anders omgaan met stress en werkdruk", "I'm calmer when things pile up at work."),
    (EN1, "RUG-EN-04", VE + "Anders omgaan met stress en werkdruk", "I use what we learned when the pressure gets high."),
    (EN1, "RUG-EN-03", VE + "Grenzen bewaken", "I keep my boundaries better and I respect them."),
    (EN1, "RUG-EN-01", VE + "Tijdig reageren op stress", "When I feel stress coming up, I react to it in time."),
    (EN1, "RUG-EN-04", VE + "Accepteren van gevoelens", "I accept my feelings more, instead of fighting them."),
    (EN1, "RUG-EN-01", EV + "Prettige training met open sfeer", "It was a pleasant training with a very open atmosphere."),
    (EN1, "RUG-EN-03", EV + "Inzichten en handvatten gekregen", "It teaches about the basic understanding of emotions, creates awareness of thinking patterns, helpful and toxic thoughts and gives tools to deal with e.g. anxiety, sadness and anger. The training gave me new tools and reminded me of old insights about having a choice to either BE your emotions or to rather be the observer of your emotions."),
    (EN1, "RUG-EN-01", EV + "Inzichten en handvatten gekregen", "I got insights and tools to observe my own emotions and to anticipate them."),
    (EN1, "RUG-EN-02", EV + "Inzichten en handvatten gekregen", "It gave me enough tips to improve the balance between positive and negative emotions."),
    (EN1, "RUG-EN-04", EV + "Inzichten en handvatten gekregen", "I have practical tools now that I didn't have before."),
    (EN1, "RUG-EN-02", EV + "Goede oefeningen en discussies", "The exercises and the discussions were really good."),
    (EN1, "RUG-EN-04", EV + "Delen van persoonlijke ervaringen", "Bringing in personal experiences was the most valuable part for me."),
    (EN1, "RUG-EN-01", EV + "Tevreden over de trainer", "The trainer was very knowledgeable and enthusiastic."),
    (EN1, "RUG-EN-02", EV + "Tevreden over de trainer", "She was clear, caring and patient."),
    (EN1, "RUG-EN-03", EV + "Tevreden over de trainer", "Very happy with the trainer, she explained the theory with examples."),
    (EN1, "RUG-EN-04", EV + "Tevreden over de trainer", "The trainer took time for everyone, I really liked her."),
    (EN1, "RUG-EN-01", EV + "Goede match aanmelding en training", "The training matched exactly why I signed up."),
    (EN1, "RUG-EN-02", EV + "Goede match aanmelding en training", "For me it was a good match with what I was looking for."),
    (EN1, "RUG-EN-03", EV + "Goede match aanmelding en training", "Yes, it was what I hoped for when I registered."),
    (EN1, "RUG-EN-04", EV + "Goede match aanmelding en training", "It fitted the reason I joined very well."),
    (EN1, "RUG-EN-02", EV + "Informatie e-mail van Balans voldoende", "The information in the Balans e-mail was enough to decide to take part."),
    (EN1, "RUG-EN-01", EV + "Engelstalige versie gewaardeerd", "I really appreciated that there was an English version."),
    (EN1, "RUG-EN-04", EV + "Engelstalige versie gewaardeerd", "Please keep offering it in English."),
    (EN1, "RUG-EN-01", AD + "Training verlengen", "I would make the sessions 30 minutes longer, so there is more time to share personal experiences."),
    (EN1, "RUG-EN-02", AD + "Training verlengen", "Yes, an extra half hour per session would help."),
    (EN1, "RUG-EN-03", AD + "Training verlengen", "I agree, longer sessions."),
    (EN1, "RUG-EN-04", AD + "Training verlengen", "Thirty minutes more would give room for sharing."),
    (EN1, "RUG-EN-02", AD + "Training anders indelen", "Sessions could feel quite full; a lot to cover in a short amount of time. I'd take more time per topic."),
    (EN1, "RUG-EN-04", AD + "Training anders indelen", "I would divide the training differently, fewer topics per session."),
    (EN1, "RUG-EN-03", AD + "Meer focus op werkgerelateerde emoties", "And focus more on the practical side of emotions that are linked to work."),

    # ===== RUG - Training Emoties, T1 Nederlandstalig (RUG-NL-01..03; NL-04 absent) =====
    (NL1, "RUG-NL-01", VE + "Ervaren mentale gezondheid", "Ik geef mezelf nog steeds een 7."),
    (NL1, "RUG-NL-02", VE + "Ervaren mentale gezondheid", "Een 7, beter dan de vorige keer."),
    (NL1, "RUG-NL-03", VE + "Ervaren mentale gezondheid", "Bij mij een 6. Privé speelt er nog steeds veel."),
    (NL1, "RUG-NL-01", VE + "Anders omgaan met stress en werkdruk", "De werkdruk is er nog steeds, maar ik ga er anders mee om."),
    (NL1, "RUG-NL-02", VE + "Anders omgaan met stress en werkdruk", "Ik merk dat ik anders reageer op stress dan voor de training."),
    (NL1, "RUG-NL-03", VE + "Anders omgaan met stress en werkdruk", "Ik kan beter met stress omgaan, ook al is mijn cijfer niet hoger."),
    (NL1, "RUG-NL-03", VE + "Grenzen bewaken", "Ik bewaak mijn grenzen beter en ik respecteer ze ook."),
    (NL1, "RUG-NL-01", VE + "Handvatten inzetten in de praktijk", "Ik zet de handvatten uit de training echt in de praktijk in. Daardoor kom ik sneller uit mijn dalletje."),
    (NL1, "RUG-NL-01", EV + "Prettige training met open sfeer", "Het was een prettige training, met een open sfeer."),
    (NL1, "RUG-NL-01", EV + "Inzichten en handvatten gekregen", "Ik heb inzichten gekregen om mijn eigen emoties te observeren."),
    (NL1, "RUG-NL-02", EV + "Inzichten en handvatten gekregen", "Ik heb handvatten gekregen waarmee ik erop kan anticiperen."),
    (NL1, "RUG-NL-03", EV + "Inzichten en handvatten gekregen", "Veel nieuwe inzichten, en ook handvatten die ik kan gebruiken."),
    (NL1, "RUG-NL-03", EV + "Balans positieve en negatieve emoties", "De tips hielpen me om de balans tussen positieve en negatieve emoties te verbeteren."),
    (NL1, "RUG-NL-02", EV + "Goede oefeningen en discussies", "Goede oefeningen, en de discussies waren waardevol."),
    (NL1, "RUG-NL-01", EV + "Delen van persoonlijke ervaringen", "Het inbrengen van persoonlijke ervaringen vond ik heel waardevol."),
    (NL1, "RUG-NL-01", EV + "Tevreden over de trainer", "Ik zou niet twijfelen om aan een volgende cursus mee te doen."),
    (NL1, "RUG-NL-02", EV + "Tevreden over de trainer", "De trainer was deskundig, enthousiast en duidelijk."),
    (NL1, "RUG-NL-03", EV + "Tevreden over de trainer", "Zeer tevreden over de trainer, ze was zorgzaam en geduldig."),
    (NL1, "RUG-NL-03", EV + "Aandacht voor individuele vragen", "Er was veel aandacht voor individuele vragen en situaties, daardoor werd de theorie inzichtelijk."),
    (NL1, "RUG-NL-01", EV + "Goede match aanmelding en training", "Het sloot goed aan bij de reden waarom ik me had aangemeld."),
    (NL1, "RUG-NL-02", EV + "Goede match aanmelding en training", "Het was precies wat ik zocht."),
    (NL1, "RUG-NL-03", EV + "Goede match aanmelding en training", "Een goede match, ja."),
    (NL1, "RUG-NL-01", EV + "Lunchlezing", "Ik was bij de lunchlezing en die vond ik enthousiasmerend."),
    (NL1, "RUG-NL-01", AD + "Training anders indelen", "Qua tijdsindeling heb ik het gevoel dat het wat compacter kan, in de zin van korter verhaal en meer gaan voelen en aan de slag."),

    # ===== UMCG - Cold shower challenge 1, T0 (UMCG-CS1-01, -02) =====
    (CS1_0, "UMCG-CS1-01", IM + "Ervaren mentale gezondheid", "Een 9. Ik voel me heel goed, privé ben ik actief en ontspannen."),
    (CS1_0, "UMCG-CS1-01", WH + "Plezier in het werk", "Ik heb echt veel plezier in mijn werk en voel me daar heel goed bij."),
    (CS1_0, "UMCG-CS1-02", IM + "Ervaren mentale gezondheid", "Ik geef een 8. Ik heb een stabiel leven. Soms gaat het wel even wat minder, maar over het algemeen ben ik heel tevreden."),
    (CS1_0, "UMCG-CS1-01", WH + "Regelmogelijkheden", "Dat ik mijn eigen agenda kan bepalen geeft me het gevoel van meer vrije tijd. Eerst wandelen in de ochtend. Alleen al het gevoel hebben dat het kan."),
    (CS1_0, "UMCG-CS1-02", WH + "Plannen bedenken", "Plannen bedenken, mensen betrekken en enthousiasmeren voor het werk. Grote plannen maken, dan ervaar ik flow."),
    (CS1_0, "UMCG-CS1-01", PH + "Sport", "Sporten heb ik nodig, daar word ik energieker van."),
    (CS1_0, "UMCG-CS1-02", PH + "Huisdieren", "Mijn katten, thuiskomen bij de dieren ontspant."),
    (CS1_0, "UMCG-CS1-01", WS + "Coronapandemie", "In coronatijd werkte ik thuis, dat was rustig. Nu is het weer druk om me heen en dat moet ik wennen."),
    (CS1_0, "UMCG-CS1-02", WS + "Coronapandemie", "Op de locatie was het in coronatijd veilig en rustig, nu ervaar ik veel meer onrust."),
    (CS1_0, "UMCG-CS1-02", PS + "Persoonskenmerken", "Ik ben risico-avers, moet me ertoe zetten iets te doen dat oncomfortabel is. Dat kost energie."),
    (CS1_0, "UMCG-CS1-01", IV + "Meer energie", "Het geeft me een boost. Ik zie het als een begin van gezonder eten en een reset."),
    (CS1_0, "UMCG-CS1-02", IV + "Trainingseffect", "Ga ik het volhouden? Of geeft het vertrouwen dat ik het straks beter kan. Benieuwd naar het trainingseffect!"),

    # ===== UMCG - Cold shower challenge 2, T0 (UMCG-CS2-01..04) =====
    (CS2_0, "UMCG-CS2-01", IM + "Ervaren mentale gezondheid", "Een 8. Ik ervaar een goede mentale gezondheid en heb een stabiel leven."),
    (CS2_0, "UMCG-CS2-01", PH + "Acceptatie", "Ik heb geleerd de dingen te accepteren waar ik geen invloed op kan uitoefenen. Dit heeft minder invloed op mijn mentale gezondheid."),
    (CS2_0, "UMCG-CS2-02", IM + "Ervaren mentale gezondheid", "Ik geef mezelf een 6,5, het kan beter. Ik zou me graag wat energieker voelen."),
    (CS2_0, "UMCG-CS2-03", IM + "Ervaren mentale gezondheid", "Een 7. Sinds corona is het leven veel vlakker geworden. Het kost meer moeite om buitenshuis leuke activiteiten te ondernemen."),
    (CS2_0, "UMCG-CS2-02", WH + "Regelmogelijkheden", "Ik kan mijn dag grotendeels zelf indelen, die regelruimte is fijn."),
    (CS2_0, "UMCG-CS2-03", PH + "Sport", "Ik ga twee keer per week naar de sportschool, dat heb ik echt nodig."),
    (CS2_0, "UMCG-CS2-04", PH + "Wandelen", "Lekker wandelen met de hond, dat ontspant."),
    (CS2_0, "UMCG-CS2-01", PH + "Familie", "Familie, daar kan ik altijd op terugvallen."),
    (CS2_0, "UMCG-CS2-03", WS + "Coronapandemie", "Het is nu als werken in een drukke supermarkt. Veel mensen om je heen en de batterij gaat sneller leeg."),
    (CS2_0, "UMCG-CS2-01", WS + "Coronapandemie", "Tijdens corona was het werk anders georganiseerd, dat heeft veel van me gevraagd."),
    (CS2_0, "UMCG-CS2-02", WS + "Coronapandemie", "De coronatijd heeft er op het werk flink ingehakt, dat merk ik nog steeds."),
    (CS2_0, "UMCG-CS2-04", WS + "Coronapandemie", "Sinds corona is de sfeer op het werk veranderd, het is drukker en onrustiger."),
    (CS2_0, "UMCG-CS2-01", WS + "Onrust in de organisatie", "Een reorganisatie zorgt voor spanning. Ik heb nu een leuke plek, maar behoud ik die ook?"),
    (CS2_0, "UMCG-CS2-02", WS + "Onrust in de organisatie", "De onrust in de organisatie vind ik heftig."),
    (CS2_0, "UMCG-CS2-04", WS + "Onrust in de organisatie", "Ja, heftig is het goede woord. Niemand weet waar hij aan toe is."),
    (CS2_0, "UMCG-CS2-02", WS + "Behoefte aan harmonie", "Als het onrustig is, raak ik uit evenwicht. Dan zoek ik regelmaat en heb ik behoefte aan harmonie."),
    (CS2_0, "UMCG-CS2-04", WS + "Behoefte aan harmonie", "Ik heb minder collega's gehad en ook onderlinge spanningen met collega's. Dan heb ik behoefte aan harmonie."),
    (CS2_0, "UMCG-CS2-03", WS + "Inhoud van het werk", "Een aantal aspecten van het werk zijn niet leuk en geven druk. Ik ga dan extra doen om te compenseren wat ik wel leuk vind in het werk."),
    (CS2_0, "UMCG-CS2-04", PS + "Persoonskenmerken", "Nieuwe dingen doen en uitdagingen zoeken vind ik moeilijk, dat zit in mijn karakter."),
    (CS2_0, "UMCG-CS2-02", PS + "Opstaan uit bed", "Ik sta steeds moeilijker op. Eenmaal eruit gaat het wel."),
    (CS2_0, "UMCG-CS2-03", PS + "Opstaan uit bed", "Ik blijf dan lager liggen, voel me minder fris."),
    (CS2_0, "UMCG-CS2-04", PS + "Overgang", "Ik zit in de overgang. Ik heb het idee dat ik dingen vergeet."),
    (CS2_0, "UMCG-CS2-03", PS + "Werk-privébalans", "Thuiswerken in combinatie met de zorg voor de kinderen vond ik zwaar, in de coronaperiode en eigenlijk nu nog steeds."),
    (CS2_0, "UMCG-CS2-01", PS + "Mantelzorg", "Ik verleen mantelzorg aan mijn moeder. Dat is zwaar, maar dat doe je gewoon."),
    (CS2_0, "UMCG-CS2-02", PS + "Drukte thuis", "We hebben thuis een boerderij, dus na het werk moet er nog van alles gebeuren. Het is thuis heel druk. Je werkt, je gaat naar bed en verder niks."),
    (CS2_0, "UMCG-CS2-02", IV + "Meer energie", "Ik hoop dat het me meer energie gaat geven."),
    (CS2_0, "UMCG-CS2-03", IV + "Meer energie", "Energie, daar doe ik het voor."),
    (CS2_0, "UMCG-CS2-01", IV + "Trainingseffect", "Ik ben benieuwd of je aan het koude water went, of het een trainingseffect heeft."),
    (CS2_0, "UMCG-CS2-04", IV + "Blanco instappen", "Ik ga er blanco in. Ik heb er wel over gehoord in de media."),
    (CS2_0, "UMCG-CS2-03", IV + "Nieuwsgierigheid", "Het klinkt als een behapbare uitdaging. Voelt letterlijk en figuurlijk als COOL."),

    # ===== UMCG - Cold shower challenge 3, T0 (UMCG-CS3-01) =====
    (CS3_0, "UMCG-CS3-01", IM + "Ervaren mentale gezondheid", "Ik geef mezelf een 5,5. Dat heeft met corona te maken, de coronapandemie was echt belastend voor mijn mentale gezondheid."),
    (CS3_0, "UMCG-CS3-01", WS + "Hoge werkdruk", "Werken op locatie is zwaar en de werkdruk is hoog."),
    (CS3_0, "UMCG-CS3-01", PH + "Vrienden", "Afspreken met vrienden, dat houdt me op de been."),
    (CS3_0, "UMCG-CS3-01", WS + "Coronapandemie", "In coronatijd was het op de locatie juist rustig. Nu is het veel mensen om je heen en de batterij gaat sneller leeg."),
    (CS3_0, "UMCG-CS3-01", WS + "Inhoud van het werk", "De druk die de inhoud van het werk oplegt ervaar ik soms als allergisch. Met meer eigen regie kun je beter genieten."),
    (CS3_0, "UMCG-CS3-01", PS + "Opstaan uit bed", "Opstaan in de ochtend is voor mij steeds lastiger."),
    (CS3_0, "UMCG-CS3-01", PS + "Mantelzorg", "Ik zorg ook voor mijn schoonvader. Dat is zwaar, maar dat doe je gewoon."),
    (CS3_0, "UMCG-CS3-01", IV + "Meer energie", "Hopelijk geeft het energie en heeft het effect op andere dingen in het leven."),

    # ===== UMCG - Workshop Positieve Gezondheid, T0 (UMCG-PG-01..03) =====
    (PG0, "UMCG-PG-01", IM + "Ervaren mentale gezondheid", "Ik geef mezelf een 8. De basis is goed op orde, maar er zijn schommelingen door werk en privé."),
    (PG0, "UMCG-PG-02", IM + "Ervaren mentale gezondheid", "Bij mij een 6,5. Dat heeft te maken met de coronapandemie, en ik heb weinig energie doordat ik snel prikkelbaar ben."),
    (PG0, "UMCG-PG-01", PH + "Sport", "Wandelen met vrienden en naar de sportschool, dat heb ik nodig."),
    (PG0, "UMCG-PG-02", PH + "Sport", "Hardlopen. Ik ben dan weg, lekker buiten. Dan hoef ik me geen zorgen te maken."),
    (PG0, "UMCG-PG-03", PH + "Sport", "Fietsen, lekker een rondje buiten."),
    (PG0, "UMCG-PG-01", WH + "Contact met patiënten", "Iets extra's doen voor een echt contact met patiënten, die interactie. Daar voel je je goed door."),
    (PG0, "UMCG-PG-03", WH + "Plezier in het werk", "Lachen, oprecht heel hard lachen met collega's. Dan kan ik echt weer vooruit."),
    (PG0, "UMCG-PG-01", WS + "Inhoud van het werk", "Deadlines, en steeds meer werk toegeschoven krijgen. Ik moet steeds meer bijzetten en dan krijg ik het gevoel kan ik dit wel volhouden?"),
    (PG0, "UMCG-PG-02", WS + "Inhoud van het werk", "Het werk zelf geeft druk, het voelt als steeds meer."),
    (PG0, "UMCG-PG-03", WS + "Inhoud van het werk", "Bij mij ook, de deadlines geven spanning."),
    (PG0, "UMCG-PG-02", WS + "Veel prikkels in het werk", "Het werk geeft veel prikkels, ik heb het gevoel van een volle emmer en weinig marge."),
    (PG0, "UMCG-PG-02", WS + "Coronapandemie", "Wij moesten verplicht fulltime werken in een vast rooster. De zomer erna ben ik zo moe geweest dat ik bang was voor een burn-out."),
    (PG0, "UMCG-PG-01", PS + "Coronatijd", "De coronatijd vond ik ook lastig om alles te regelen. Ik heb me er wel doorheen geslagen, maar het heeft veel energie gekost. Dat laat je niet zomaar achter je."),
    (PG0, "UMCG-PG-02", PS + "Coronatijd", "De coronatijd heeft mij privé ook veel stress opgeleverd."),
    (PG0, "UMCG-PG-03", PS + "Coronatijd", "Met de kinderen thuis was de coronatijd voor mij erg stressvol."),
    (PG0, "UMCG-PG-01", PS + "Persoonskenmerken", "Ik ben perfectionistisch. Ik wil alles op dezelfde standaard hebben. Anders zie ik het minder goed en wordt het erger."),
    (PG0, "UMCG-PG-03", PS + "Persoonskenmerken", "Dat perfectionisme herken ik, ik kan moeilijk iets loslaten als het niet af is."),
    (PG0, "UMCG-PG-01", PS + "Mantelzorg", "Ik ben ook mantelzorger, ik zorg voor mijn vader. Dat heeft zeker impact op hoe ik me voel."),
    (PG0, "UMCG-PG-01", IV + "Getipt via leidinggevende", "Zij kwam ermee. Ik heb vertrouwen in haar en dacht 'why not'. Ik wil zo blanco mogelijk zijn."),
    (PG0, "UMCG-PG-02", IV + "Meer energie", "Ik voel me soms zo moe. Ik zoek handvatten om meer energie te krijgen, zodat ik die wisselende dagen meer kan beïnvloeden."),
    (PG0, "UMCG-PG-03", IV + "Op tijd aan de bel trekken", "Ik sta er dubbel in. Ik hoop handvatten te krijgen voor in het werk, en aan de andere kant wil ik leren op tijd aan de bel te trekken als de emmer vol raakt."),

    # ===== UMCG - Cold shower challenge 1, T1 (UMCG-CS1-01..04) =====
    (CS1_1, "UMCG-CS1-01", VE + "Ervaren mentale gezondheid", "Ik geef mezelf een 8."),
    (CS1_1, "UMCG-CS1-01", VE + "Zich goed voelen", "Ik voel me goed, ik ervaar eigenlijk geen stressvolle zaken op dit moment."),
    (CS1_1, "UMCG-CS1-03", VE + "Ervaren mentale gezondheid", "Bij mij ook een 8."),
    (CS1_1, "UMCG-CS1-03", VE + "Zich goed voelen", "Ik voel me goed, er speelt niets stressvols."),
    (CS1_1, "UMCG-CS1-04", VE + "Ervaren mentale gezondheid", "Een 7."),
    (CS1_1, "UMCG-CS1-04", VE + "Piekeren", "Ik pieker nog veel. Het wordt wel minder als ik 'gewone' dingen doe die afleiding geven."),
    (CS1_1, "UMCG-CS1-02", EV + "Compact en makkelijk vol te houden", "Ik vond het compact en duidelijk, en makkelijk vol te houden."),
    (CS1_1, "UMCG-CS1-01", EV + "Verfrissend en mindful", "Het is letterlijk verfrissend. Je bent er helemaal bij, in het moment."),
    (CS1_1, "UMCG-CS1-02", EV + "Verfrissend en mindful", "Ja, verfrissend. Het maakt je mindful."),
    (CS1_1, "UMCG-CS1-03", EV + "Verfrissend en mindful", "Die koude douche zet je echt in het hier en nu."),
    (CS1_1, "UMCG-CS1-04", EV + "Verfrissend en mindful", "Heel verfrissend, je leeft even alleen in dat moment."),
    (CS1_1, "UMCG-CS1-01", EV + "WhatsApp-groep", "Samen in de appgroep werkt stimulerend. Als die anderen het kunnen, kan ik het ook!"),
    (CS1_1, "UMCG-CS1-04", EV + "WhatsApp-groep", "De notificaties las ik wel selectief, want het kon ook juist een stressgevoel oproepen."),
    (CS1_1, "UMCG-CS1-03", EV + "Zachte huid", "Mijn huid was minder droog, ik hoefde minder crème te gebruiken."),
    (CS1_1, "UMCG-CS1-02", EV + "Minder vaak koud douchen", "Nu de challenge afgelopen is douche ik minder vaak koud. Het is geen standaard routine geworden."),
    (CS1_1, "UMCG-CS1-01", EV + "Tevreden over begeleiding", "We werden goed begeleid en met vragen konden we altijd terecht."),
    (CS1_1, "UMCG-CS1-02", EV + "Tevreden over begeleiding", "De begeleiding was prima."),
    (CS1_1, "UMCG-CS1-03", EV + "Tevreden over begeleiding", "Ik was ook tevreden over de coach."),
    (CS1_1, "UMCG-CS1-04", EV + "Tevreden over begeleiding", "Heel tevreden. De coach zei bij de start: mail me op j.jansen@umcg.nl of bel 06-12345678 als er iets is, en dat kon ook echt."),
    (CS1_1, "UMCG-CS1-01", EV + "Opbouw loslaten", "Het was prettig dat er een opbouw was, maar die was lastig bij te houden. Ik heb zelf langer koud gedoucht dan voorgeschreven."),
    (CS1_1, "UMCG-CS1-03", EV + "Opbouw loslaten", "Ik koos zelf of ik 's ochtends of 's avonds koud douchte."),
    (CS1_1, "UMCG-CS1-01", EV + "Familie besmet", "Ik heb m'n vriendin besmet, zij doet nu ook mee."),
    (CS1_1, "UMCG-CS1-04", EV + "Familie besmet", "Ik krijg thuis klachten dat ik de douche op koud had laten staan."),
    (CS1_1, "UMCG-CS1-01", AD + "Challenge in de winter lastiger", "In de winter lijkt het me lastiger om vol te houden."),
    (CS1_1, "UMCG-CS1-02", AD + "Challenge in de winter lastiger", "Ik heb het idee dat het dan lastiger is."),
    (CS1_1, "UMCG-CS1-03", AD + "Challenge in de winter lastiger", "Ja, in de winter wordt het echt een uitdaging."),
    (CS1_1, "UMCG-CS1-04", AD + "Challenge in de winter lastiger", "Met koud weer zou ik het moeilijker volhouden."),
    (CS1_1, "UMCG-CS1-02", AD + "Focus op mindset in de winter", "Geef in de winter extra aandacht aan de mindset, dat helpt om door te zetten."),
    (CS1_1, "UMCG-CS1-03", AD + "Eén communicatiemiddel", "Het ging zowel via een app als via internet, dat is dubbelop."),
    (CS1_1, "UMCG-CS1-04", AD + "Eén communicatiemiddel", "De één reageert via de app, de ander via internet. Houd het bij één communicatiemiddel."),

    # ===== UMCG - Cold shower challenge 3, T1 (UMCG-CS3-01) =====
    (CS3_1, "UMCG-CS3-01", VE + "Ervaren mentale gezondheid", "Een 6. Ik heb me wel eens beter gevoeld, maar ik ben niet intens ongelukkig."),
    (CS3_1, "UMCG-CS3-01", EV + "Compact en makkelijk vol te houden", "Het was duidelijk en makkelijk vol te houden."),
    (CS3_1, "UMCG-CS3-01", EV + "Verfrissend en mindful", "Het is verfrissend, je bent even alleen maar met die kou bezig."),
    (CS3_1, "UMCG-CS3-01", EV + "Minder vaak koud douchen", "Sinds de challenge klaar is, douche ik minder vaak koud."),
    (CS3_1, "UMCG-CS3-01", EV + "Tevreden over begeleiding", "Over de begeleiding was ik tevreden."),
    (CS3_1, "UMCG-CS3-01", EV + "Familie besmet", "Ook de thermometer wil ik lager, maar familie doet nu wel mee."),
    (CS3_1, "UMCG-CS3-01", AD + "Challenge in de winter lastiger", "In de winter lijkt het me een stuk lastiger."),
    (CS3_1, "UMCG-CS3-01", AD + "Groepsproces groter aanzetten", "Het groepsgebeuren was ok, maar daarna moet je alleen. Ik heb baat bij contact met andere deelnemers."),
]

HEADER = ["Color", "Document group", "Document name", "Code", "Beginning", "End", "Weight score",
          "Segment", "Modified by", "Modified", "Created by", "Created", "Area", "Coverage %"]


def colour(code: str) -> str:
    for prefix, hex_colour in COLOURS.items():
        if code.startswith(prefix):
            return hex_colour
    raise ValueError(f"no colour for code {code!r}")


def stamp(moment: datetime) -> str:
    return moment.strftime("%d.%m.%Y %H:%M:%S")


def build_rows() -> list[list]:
    rng = random.Random(SEED)
    by_doc: dict[str, list[tuple[str, str, str]]] = {}
    for document, speaker, code, text in SEGMENTS:
        by_doc.setdefault(document, []).append((speaker, code, text))
    unknown = set(by_doc) - {d[1] for d in DOCUMENTS}
    if unknown:
        raise ValueError(f"segments for unknown documents: {sorted(unknown)}")

    rows = []
    for group, document, coded_on in DOCUMENTS:
        segments = by_doc.get(document, [])
        texts = [f"{speaker}: {text}" for speaker, _code, text in segments]
        # The transcript holds interviewer turns and uncoded talk too: coded share 35-60 %.
        document_chars = round(sum(len(t) for t in texts) / rng.uniform(0.35, 0.60))
        paragraph = rng.randint(3, 6)  # paragraphs 1-2: title, attendees
        moment = datetime.fromisoformat(coded_on) + timedelta(hours=9, minutes=rng.randint(0, 50))
        for (speaker, code, text), segment in zip(segments, texts):
            moment += timedelta(seconds=rng.randint(25, 240))
            modified = moment + timedelta(days=rng.randint(1, 9), minutes=rng.randint(0, 300)) \
                if rng.random() < 0.12 else moment
            rows.append([
                colour(code), group, document, code, paragraph, paragraph, 0, segment,
                CODER, stamp(modified), CODER, stamp(moment), len(segment),
                round(100 * len(segment) / document_chars, 2),
            ])
            paragraph += rng.randint(1, 4)  # interviewer questions and uncoded answers in between
    return rows


def main() -> None:
    rows = build_rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(OUT))
    # Fixed document properties so that reruns give a byte-identical file.
    workbook.set_properties({"author": CODER, "created": datetime(2023, 5, 12, 14, 3, 27)})
    sheet = workbook.add_worksheet("Coded segments")
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_row(0, 0, HEADER, bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value, wrap if HEADER[c] == "Segment" else None)
    for c, width in enumerate([9, 20, 36, 70, 10, 8, 12, 90, 11, 19, 10, 19, 7, 11]):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(HEADER) - 1)
    workbook.close()
    print(f"wrote {OUT} ({len(rows)} coded segments, {len(DOCUMENTS)} documents)")


if __name__ == "__main__":
    main()
