/** Text formats checked both in brand files and in construct props; one definition each. */

/** A lower-case DNS name with at least two labels, e.g. `id.example.com`. */
export const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** An e-mail address SNS can subscribe: local part, `@`, a DNS domain. */
export const EMAIL_ADDRESS = /^[^\s@]+@[a-z0-9.-]+\.[a-z]{2,63}$/i;
