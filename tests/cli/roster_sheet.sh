#!/bin/sh
# Rosters as spreadsheets write them (issue 15): a UTF-8 BOM, ';' and tab
# delimiters (detected, or set with --delimiter), the empty ",,," rows below
# the data, and plain dates (valid_until, --valid-until) read as the start
# of that day in --timezone (default UTC). Errors still name the line and
# the bad word.
. "$(dirname "$0")/lib.sh"
IS="$BIN/ob-issuer"
H="$T/issuer"
is() { "$IS" --home "$H" "$@"; }
# the validUntil of the credential a manifest's line N names
vu() { python3 -c "
import json, sys
m = [json.loads(l) for l in open('$1/manifest.jsonl')][$2]
print(json.load(open('$1/' + m['file'])).get('validUntil', '-'))"; }
name_of() { python3 -c "
import json
m = [json.loads(l) for l in open('$1/manifest.jsonl')][$2]
print(json.load(open('$1/' + m['file']))['credentialSubject']['name'])"; }

expect 0 "" is init --name "Riverbend College" --url https://riverbend.example.edu
expect 0 "" is achievement add --id cna --name "Certified Nursing Assistant" --description "Patient care" --criteria "Pass the state exam"

# a UTF-8 byte order mark (Excel's "CSV UTF-8")
printf '\357\273\277name,recipient,achievement\r\nZoë Ång,zoe@example.edu,cna\r\n' >"$T/bom.csv"
expect 0 "1 rows: 1 issued" is issue --roster "$T/bom.csv" -o "$T/o-bom"
check "BOM: the first column is 'name', the name is intact" test "$(name_of "$T/o-bom" 0)" = "Zoë Ång"

# ';' (a spreadsheet in a locale whose decimal mark is a comma), detected
printf 'name;recipient;achievement;result\r\n"Doe; Jane";jane@example.edu;cna;3,5\r\nDoe, John;john@example.edu;cna;4,0\r\n' >"$T/semi.csv"
expect 0 "2 rows: 2 issued" is issue --roster "$T/semi.csv" -o "$T/o-semi"
check "';': a quoted ';' stays in the name" test "$(name_of "$T/o-semi" 0)" = "Doe; Jane"
check "';': a ',' is text" test "$(name_of "$T/o-semi" 1)" = "Doe, John"

# tab-separated, detected
printf 'name\trecipient\tachievement\nTab Person\ttab@example.edu\tcna\n' >"$T/tab.csv"
expect 0 "1 rows: 1 issued" is issue --roster "$T/tab.csv" -o "$T/o-tab"
check "tab: the name" test "$(name_of "$T/o-tab" 0)" = "Tab Person"

# --delimiter: forced; a wrong one is named with the header it garbled
printf 'name;recipient;achievement\nForced, Person;forced@example.edu;cna\n' >"$T/force.csv"
expect 1 "force.csv:1: unknown column 'name;recipient;achievement' .*is the delimiter right\\? see --delimiter" \
	is issue --roster "$T/force.csv" -o "$T/o-force1" --delimiter ,
expect 0 "1 rows: 1 issued" is issue --roster "$T/force.csv" -o "$T/o-force2" --delimiter ';'
expect 0 "1 rows: 0 issued, 1 already issued" is issue --roster "$T/tab.csv" -o "$T/o-tab2" --delimiter tab
expect 2 "unknown --delimiter '\\|'" is issue --roster "$T/tab.csv" -o "$T/o-x" --delimiter '|'
expect 2 "--delimiter goes with --roster" is issue --achievement cna --recipient a@example.edu --delimiter ';'

# the empty rows a spreadsheet writes below the data, and blank lines
printf 'name,recipient,achievement\nRow One,one@example.edu,cna\n,,\n\n,,\n ,  , \nRow Two,two@example.edu,cna\n,,\n,,\n' >"$T/trail.csv"
expect 0 "2 rows: 2 issued, 0 already issued, 0 bad" is issue --roster "$T/trail.csv" -o "$T/o-trail"
printf 'name;recipient;achievement\nRow Three;three@example.edu;cna\n;;\n;;\n' >"$T/trail2.csv"
expect 0 "1 rows: 1 issued, 0 already issued, 0 bad" is issue --roster "$T/trail2.csv" -o "$T/o-trail2"

# plain dates: the start of that day, UTC unless --timezone says
printf 'name,recipient,achievement,valid_until\nJune,june@example.edu,cna,2027-06-01\nJan,jan@example.edu,cna,2027-01-15\nFull,full@example.edu,cna,2030-06-01T12:00:00Z\n' >"$T/dates.csv"
expect 0 "3 rows: 3 issued" is issue --roster "$T/dates.csv" -o "$T/o-utc"
check "plain date, UTC: 2027-06-01T00:00:00Z" test "$(vu "$T/o-utc" 0)" = 2027-06-01T00:00:00Z
check "a full date-time stays as written" test "$(vu "$T/o-utc" 2)" = 2030-06-01T12:00:00Z
expect 0 "3 rows: 0 issued, 3 already issued" is issue --roster "$T/dates.csv" -o "$T/o-utc"
expect 0 "3 rows: 2 issued, 1 already issued" is issue --roster "$T/dates.csv" -o "$T/o-ber" --timezone Europe/Berlin
check "Europe/Berlin in June (CEST): 2027-05-31T22:00:00Z" test "$(vu "$T/o-ber" 0)" = 2027-05-31T22:00:00Z
check "Europe/Berlin in January (CET): 2027-01-14T23:00:00Z" test "$(vu "$T/o-ber" 1)" = 2027-01-14T23:00:00Z
expect 0 "3 rows: 2 issued, 1 already issued" is issue --roster "$T/dates.csv" -o "$T/o-ny" --timezone America/New_York
check "America/New_York in June (EDT): 2027-06-01T04:00:00Z" test "$(vu "$T/o-ny" 0)" = 2027-06-01T04:00:00Z
expect 0 "3 rows: 2 issued, 1 already issued" is issue --roster "$T/dates.csv" -o "$T/o-off" --timezone -05:30
check "a fixed offset -05:30: 2027-06-01T05:30:00Z" test "$(vu "$T/o-off" 0)" = 2027-06-01T05:30:00Z
check "the caller's TZ is untouched (the run's times are UTC)" sh -c "TZ=Asia/Tokyo '$IS' --home '$H' list --json | grep -q 'Z\"'"
expect 0 "" is issue --achievement cna --recipient single@example.edu --valid-until 2027-06-01 -o "$T/single.json"
check "--valid-until 2027-06-01: the start of that day, UTC" \
	python3 -c "import json; assert json.load(open('$T/single.json'))['validUntil'] == '2027-06-01T00:00:00Z'"
expect 0 "" is issue --achievement cna --recipient single2@example.edu --valid-until 2027-06-01 --timezone +02:00 -o "$T/single2.json"
check "--valid-until with --timezone +02:00" \
	python3 -c "import json; assert json.load(open('$T/single2.json'))['validUntil'] == '2027-05-31T22:00:00Z'"
expect 2 "unknown --timezone 'Mars/Olympus'" is issue --roster "$T/dates.csv" -o "$T/o-x" --timezone Mars/Olympus
expect 2 "unknown --timezone '../../etc/passwd'" is issue --roster "$T/dates.csv" -o "$T/o-x" --timezone ../../etc/passwd
expect 2 "unknown --timezone '\\+25:00'" is issue --roster "$T/dates.csv" -o "$T/o-x" --timezone +25:00

# bad dates and rows: the line and the word
printf 'name;recipient;achievement;valid_until\nA;a@example.edu;cna;2027-02-30\nB;b@example.edu;cna;31/12/2027\nC;c@example.edu\nD;d@example.edu;cna;2027-06-01\n' >"$T/bad.csv"
expect 1 "bad.csv:2: invalid valid_until '2027-02-30'" is issue --roster "$T/bad.csv" -o "$T/o-bad"
check "the day-first date is named with its line" grep -q "bad.csv:3: invalid valid_until '31/12/2027'" "$T/out"
check "a short row in a ';' file: its line and count" grep -q "bad.csv:4: 2 fields, the header has 4" "$T/out"
check "and the good row is issued" grep -q "4 rows: 1 issued, 0 already issued, 3 bad" "$T/out"

# list and export read the roster the same way
expect 0 '"count": 1' is list --json --roster "$T/semi.csv" --recipient jane@example.edu
expect 0 '"count": 2' is list --json --roster "$T/trail.csv"
expect 0 '"count": 1' is list --json --roster "$T/dates.csv" --timezone America/New_York --recipient june@example.edu

done_tests
