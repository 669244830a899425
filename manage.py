#!/usr/bin/env python
from offerdesk.manage import main

if __name__ == "__main__":
    main()
