"""The cross-industry alliance: partners, offers, vouchers, the partner portal."""
