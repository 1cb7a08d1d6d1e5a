import AstroshKit

AstroshMain.run()
