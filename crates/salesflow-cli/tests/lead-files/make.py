"""Writes the lead files of tests/cli/lead_files.rs as the tools they stand for write them.

Run it from this directory to make them again (python3 make.py); the files are committed, and
the tests read them as they are. Each file follows its tool's documented export format:
encoding, byte-order mark, delimiter, quoting, line ends and header names.
"""

import csv
import io
import random

FIRST = ["Ann", "José", "Zoë", "François", "Søren", "Björn", "Chloé", "Raúl", "Inès", "Jürgen"]
LAST = ["Lee", "García", "Müller", "Lefèvre", "Østergaard", "Näslund", "Dupré", "Peña", "Côté", "Weiß"]
TITLES = ["Head of Sales", "VP Marketing", "Founder & CEO", "Account Executive", "CTO"]
COMPANIES = ["Acme", "Globex, Inc.", "Initech", "Umbrella", "Hooli"]
PLACES = [("Berlin", "Berlin", "Germany"), ("Lyon", "Auvergne-Rhône-Alpes", "France"),
          ("Austin", "Texas", "United States"), ("Malmö", "Skåne", "Sweden")]


def person(i):
    return FIRST[i % 10], LAST[(i // 10) % 10], TITLES[i % 5], COMPANIES[i % 5], PLACES[i % 4]


def slug(prefix, i):
    return f"{prefix}-{i:03d}"


def write(name, text, encoding, bom=False):
    data = text.encode(encoding)
    if bom:
        data = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe"}[encoding] + data
    with open(name, "wb") as f:
        f.write(data)


def rows_to_text(header, rows, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def sales_navigator():
    """The issue's 300-row list, as Sales Navigator export tools (Evaboot, Phantombuster)
    write it: UTF-8 with a BOM, CRLF, every field quoted; 258 profiles in every form people
    paste, 16 repeats of them in another spelling, 14 rows without a URL, 12 Sales Navigator
    lead links; two titles over two lines."""
    forms = [
        "https://www.linkedin.com/in/{}",
        "https://www.linkedin.com/in/{}/",
        "linkedin.com/in/{}/",
        "www.linkedin.com/in/{}",
        "https://www.linkedin.com/in/{}?trk=public_profile_browsemap",
        "http://linkedin.com/in/{}",
        "https://WWW.LINKEDIN.COM/IN/{}/",
        "https://uk.linkedin.com/in/{}",
        "https://de.linkedin.com/in/{}/?originalSubdomain=de",
        "https://www.linkedin.com/in/{}/details/experience/",
    ]
    kinds = ["sales"] * 12 + ["empty"] * 14 + ["repeat"] * 16 + ["good"] * 258
    random.Random(21).shuffle(kinds)
    kinds.remove("good")
    kinds.insert(0, "good")  # a repeat needs a profile before it
    rows = []
    good = 0
    for i, kind in enumerate(kinds):
        first, last, title, company, (city, _, country) = person(i)
        email = f"lead{i:03d}@example.com"
        if kind == "sales":
            url = f"https://www.linkedin.com/sales/lead/ACwAAA{i:05d}Xyz,NAME_SEARCH,{i:04x}"
        elif kind == "empty":
            url = ""
        elif kind == "repeat":
            url = f"https://www.linkedin.com/in/{slug('sn', good - 1).upper()}/?trk=x"
        else:
            url = forms[good % len(forms)].format(slug("sn", good))
            good += 1
        if i in (40, 41):
            title = title + "\nEMEA"
        rows.append([first, last, url, company, title, email, f"{city}, {country}"])
    assert good == 258, good
    header = ["First Name", "Last Name", "LinkedIn Profile URL", "Company", "Title", "Email", "Location"]
    write("sales-navigator-export.csv", rows_to_text(header, rows, quoting=csv.QUOTE_ALL), "utf-8", bom=True)


def linkedin_connections():
    """LinkedIn's own data export (Settings > Data privacy > Get a copy of your data >
    Connections): Connections.csv, UTF-8 without a BOM, LF, a note of three lines before the
    header, the profile link in a column named URL, the job title in Position."""
    note = (
        "Notes:\n"
        '"When exporting your connection data, you may notice that some of the email addresses are '
        "missing. You will only see email addresses for connections who have allowed their connections "
        "to see or download their email address using this setting "
        "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
        'https://www.linkedin.com/help/linkedin/answer/261"\n'
        "\n"
    )
    rows = []
    for i in range(20):
        first, last, title, company, _ = person(i)
        rows.append([first, last, f"https://www.linkedin.com/in/{slug('conn', i)}", "", company, title,
                     f"{(i % 28) + 1:02d} Mar 2024"])
    header = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    write("linkedin-connections.csv", note + rows_to_text(header, rows, lineterminator="\n"), "utf-8")


def hubspot():
    """HubSpot's contact export (CSV): UTF-8 with a BOM, CRLF, property labels as headers,
    the location in City, State/Region and Country/Region."""
    rows = []
    for i in range(20):
        first, last, title, company, (city, state, country) = person(i)
        rows.append([str(900000 + i), first, last, f"h{i}@example.com", title, company, city, state,
                     country, f"https://www.linkedin.com/in/{slug('hub', i)}", "lead"])
    header = ["Record ID", "First Name", "Last Name", "Email", "Job Title", "Company Name", "City",
              "State/Region", "Country/Region", "LinkedIn URL", "Lifecycle Stage"]
    write("hubspot-contacts.csv", rows_to_text(header, rows), "utf-8", bom=True)


def salesforce():
    """A Salesforce report ("Details Only", CSV) with its default encoding, ISO-8859-1 (Windows-1252
    here), every field quoted, CRLF; a custom field "LinkedIn Profile" for the link."""
    rows = []
    for i in range(20):
        first, last, title, company, (city, state, country) = person(i)
        rows.append([first, last, title, company, city, state, country,
                     f"www.linkedin.com/in/{slug('sf', i)}"])
    header = ["First Name", "Last Name", "Title", "Company / Account", "Mailing City",
              "Mailing State/Province", "Mailing Country", "LinkedIn Profile"]
    write("salesforce-report.csv", rows_to_text(header, rows, quoting=csv.QUOTE_ALL), "cp1252")


def pipedrive():
    """Pipedrive's export of people: UTF-8, comma, columns named "Person - ..." (a custom field
    "Person - LinkedIn profile"), a full name beside first and last."""
    rows = []
    for i in range(20):
        first, last, title, company, _ = person(i)
        rows.append([f"{first} {last}", first, last, company, f"p{i}@example.com", title,
                     f"https://www.linkedin.com/in/{slug('pd', i)}/"])
    header = ["Person - Name", "Person - First name", "Person - Last name", "Person - Organization",
              "Person - Email - Work", "Person - Job title", "Person - LinkedIn profile"]
    write("pipedrive-people.csv", rows_to_text(header, rows, lineterminator="\n"), "utf-8")


def apollo():
    """Apollo's people export: UTF-8, comma, CRLF, "Person Linkedin Url", City/State/Country."""
    rows = []
    for i in range(20):
        first, last, title, company, (city, state, country) = person(i)
        rows.append([first, last, title, company, company, f"a{i}@example.com", "Verified", "Director",
                     f"http://www.linkedin.com/in/{slug('ap', i)}", "https://acme.example",
                     "http://www.linkedin.com/company/acme", city, state, country])
    header = ["First Name", "Last Name", "Title", "Company", "Company Name for Emails", "Email",
              "Email Status", "Seniority", "Person Linkedin Url", "Website", "Company Linkedin Url",
              "City", "State", "Country"]
    write("apollo-people.csv", rows_to_text(header, rows), "utf-8")


def excel_semicolons():
    """Excel's "CSV (Comma delimited)" where the list separator is ";" (most of Europe):
    Windows-1252, semicolons, CRLF, no BOM, quotes only where needed."""
    rows = []
    for i in range(10):
        first, last, title, _, (city, _, _) = person(i)
        rows.append([f"https://www.linkedin.com/in/{slug('xl', i)}", first, last, title, city])
    write("excel-semicolons.csv", rows_to_text(["LinkedIn URL", "Vorname", "Nachname", "Position", "Ort"], rows,
                                                delimiter=";"), "cp1252")


def excel_sep_line():
    """A file for Excel with its "sep=" first line, which names the delimiter (Excel reads it
    and does not show it): UTF-8 without a BOM, "|" between values, CRLF."""
    rows = []
    for i in range(10):
        first, last, _, _, _ = person(i)
        rows.append([first, last, f"https://www.linkedin.com/in/{slug('sep', i)}"])
    write("excel-sep-line.csv", "sep=|\r\n" + rows_to_text(["firstName", "lastName", "linkedInUrl"], rows,
                                                          delimiter="|"), "utf-8")


def excel_unicode_text():
    """Excel's "Unicode Text (*.txt)": UTF-16 little-endian with a BOM, tabs, CRLF; a name
    outside Windows-1252."""
    rows = []
    for i in range(10):
        first, last, title, _, _ = person(i)
        if i == 3:
            first, last = "Łukasz", "Żółć"
        rows.append([f"https://www.linkedin.com/in/{slug('uni', i)}", first, last, title])
    write("excel-unicode-text.txt", rows_to_text(["LinkedIn URL", "First Name", "Last Name", "Headline"], rows,
                                                 delimiter="\t"), "utf-16-le", bom=True)


def excel_csv_utf8():
    """Excel's "CSV UTF-8 (Comma delimited)": a BOM, CRLF, and three empty header columns at the
    end (cells once formatted), as Excel writes them."""
    rows = []
    for i in range(10):
        first, last, _, _, _ = person(i)
        rows.append([f"https://www.linkedin.com/in/{slug('u8', i)}", first, last, "", "", ""])
    write("excel-csv-utf8.csv", rows_to_text(["Profile URL", "First name", "Last name", "", "", ""], rows),
          "utf-8", bom=True)


for make in (sales_navigator, linkedin_connections, hubspot, salesforce, pipedrive, apollo,
             excel_semicolons, excel_sep_line, excel_unicode_text, excel_csv_utf8):
    make()
