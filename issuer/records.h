/* records: list, show and export, the issuance log read back
 * (cmd_records.c). */
#ifndef OB_ISSUER_RECORDS_H
#define OB_ISSUER_RECORDS_H

int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
