"""The commerce authorities' scrapped-vehicle certificate register, imported by MIIT.

Every scrapped vehicle gets a 《报废机动车回收证明》 recorded by VIN in the commerce
authorities' system; joined by VIN with the packs bound to each vehicle, it shows the
scrapped vehicles whose packs were never reported in the portal (DOMAIN.md section 10).
Files of tens of thousands of rows a month are validated in chunks, copied into a
staging table and inserted once per certificate number.
"""
